// The app's Mantine theme: Mantine's defaults with the contrast WCAG AA asks for (4.5:1 for text).
// Secondary ("dimmed") text, light-variant text (the active nav item, light badges) and outline
// badges use darker shades than Mantine's defaults, which measure about 3:1 on white. Close buttons,
// which Mantine renders as an icon only, get a name screen readers can say.
import { Alert, type CSSVariablesResolver, createTheme, darken, Modal } from '@mantine/core';

export const theme = createTheme({
  // Filled buttons and badges take shade 9 (blue.9 under white text is 6.4:1), and pick black or
  // white text by the background's luminance, so teal, green, orange and yellow stay readable.
  primaryShade: { light: 9, dark: 5 },
  autoContrast: true,
  luminanceThreshold: 0.18,
  components: {
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } }),
    Alert: Alert.extend({ defaultProps: { closeButtonLabel: 'Dismiss' } }),
  },
});

export const cssVariablesResolver: CSSVariablesResolver = (t) => {
  const light: Record<string, string> = {
    // gray.7 on white is 7:1; on the gray.0 of striped rows and cards still above 6:1.
    '--mantine-color-dimmed': t.colors.gray[7] ?? '#495057',
  };
  // Text of light variants (active nav item, light badges, alert titles) and of outline variants:
  // shade 9 darkened by 30%, which keeps 4.5:1 over every color's light background (orange and
  // yellow need that much; blue and gray only get a little darker).
  for (const [name, shades] of Object.entries(t.colors)) {
    const [, pale, , , , , , , , dark] = shades;
    if (!dark || !pale) continue;
    const text = darken(dark, 0.3);
    light[`--mantine-color-${name}-light-color`] = text;
    light[`--mantine-color-${name}-outline`] = text;
    // Hovering a light item (the active nav item under the mouse) must not darken it below 4.5:1.
    light[`--mantine-color-${name}-light-hover`] = pale;
  }
  return { variables: {}, light, dark: {} };
};
