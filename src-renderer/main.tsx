// Renderer entry: picks the bridge (via ./platform), hashes erased identifiers through it, and
// mounts the app.
import '@mantine/core/styles.css';
import './app/app.css';
import { MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { cssVariablesResolver, theme } from './app/theme';
import { bridge } from './platform';
import { bridgeHasher, setIdentifierHasher } from './stitching/suppression';

// The suppression key stays in the main process: identifiers are hashed there, a batch per call.
setIdentifierHasher(bridgeHasher(bridge));

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <MantineProvider defaultColorScheme="light" theme={theme} cssVariablesResolver={cssVariablesResolver}>
      <App />
    </MantineProvider>
  </StrictMode>,
);
