// Import contacts: a five-step wizard (file, columns, options, run, result). Reading runs in a worker;
// writing runs in one transaction, so Cancel at any point leaves the store as it was.
import { Alert, Button, Group, Stepper } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import {
  commitImport,
  type DuplicatePolicy,
  ImportCancelledError,
  type ImportOutcome,
} from '../../contacts-io/commit';
import { decodeContactsFile } from '../../contacts-io/decode';
import { type ColumnMapping, detectMapping } from '../../contacts-io/mapping';
import type { PreparedContact, RejectedRow } from '../../contacts-io/normalize';
import {
  ContactsFileError,
  detectFormat,
  previewContactsFile,
  type SourceTable,
} from '../../contacts-io/source';
import { bridge } from '../../platform';
import { appDb } from '../../state/db';
import type { CountryCode } from '../../stitching/identifiers';
import { PageHeader } from '../../ui/PageHeader';
import {
  ChooseFileStep,
  type ConsentChoice,
  ConsentStep,
  consentColumns,
  MappingStep,
  OptionsStep,
  ResultStep,
  type RunState,
  RunStep,
} from './ImportSteps';
import { readContactsInWorker } from './read-file';

export interface ChosenFile {
  name: string;
  text: string;
  table: SourceTable;
}

export interface ImportResult extends ImportOutcome {
  rowsRead: number;
}

export function ImportPage() {
  const [step, setStep] = useState(0);
  const [file, setFile] = useState<ChosenFile | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping[]>([]);
  const [country, setCountry] = useState<CountryCode>('US');
  const [policy, setPolicy] = useState<DuplicatePolicy>('skip');
  const [consent, setConsent] = useState<ConsentChoice>(() => ({
    given: [],
    source: '',
    date: new Date().toISOString().slice(0, 10),
  }));
  const [run, setRun] = useState<RunState | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    bridge.invoke('settings.get', undefined).then(
      (settings) => setCountry(settings.stitching.defaultCountry as CountryCode),
      () => undefined,
    );
    return () => abort.current?.abort();
  }, []);

  const openFile = (name: string, text: string): void => {
    setError(null);
    setNotice(null);
    try {
      const table = previewContactsFile(text, detectFormat(name, text));
      setFile({ name, text, table });
      setMapping(detectMapping(table.headers));
      setStep(1);
    } catch (caught) {
      setError(
        caught instanceof ContactsFileError ? caught.message : `Could not read ${name}: ${String(caught)}`,
      );
    }
  };

  const chooseBrowserFile = async (picked: File): Promise<void> => {
    const decoded = decodeContactsFile(new Uint8Array(await picked.arrayBuffer()));
    if (!decoded.ok) {
      setError(`${picked.name}: ${decoded.message}`);
      return;
    }
    openFile(picked.name, decoded.text);
  };

  const chooseDesktopFile = async (): Promise<void> => {
    try {
      const picked = await bridge.invoke('files.openContacts', undefined);
      if (picked) openFile(picked.name, picked.text);
    } catch (caught) {
      setError((caught as Error).message);
    }
  };

  const start = async (): Promise<void> => {
    if (!file) return;
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    setNotice(null);
    setStep(3);
    // Line breaks bound the row count: good enough for a progress bar while reading.
    const estimate = Math.max(1, file.text.split('\n').length - 1);
    const prepared: PreparedContact[] = [];
    const rejected: RejectedRow[] = [];
    let state: RunState = { phase: 'reading', done: 0, total: estimate, ready: 0, rejected: 0 };
    setRun(state);
    try {
      const { rowsRead } = await readContactsInWorker(
        {
          text: file.text,
          table: file.table,
          mapping,
          options: { defaultCountry: country, unquoteFormulas: file.table.format === 'csv' },
        },
        (batch) => {
          prepared.push(...batch.contacts);
          rejected.push(...batch.rejected);
          state = { ...state, done: batch.rowsRead, ready: prepared.length, rejected: rejected.length };
          setRun(state);
        },
        controller.signal,
      );
      const agreedOn = Date.parse(`${consent.date}T12:00:00`);
      const outcome = await commitImport(appDb(), prepared, policy, {
        signal: controller.signal,
        consent: {
          given: consent.given,
          source: consent.source.trim()
            ? `Import of ${file.name}: ${consent.source.trim()}`
            : `Import of ${file.name}`,
          ...(Number.isFinite(agreedOn) ? { at: agreedOn } : {}),
        },
        onProgress: (progress) => {
          state = { ...state, phase: progress.phase, done: progress.done, total: progress.total };
          setRun(state);
        },
      });
      const allRejected = [...rejected, ...outcome.rejected].sort((a, b) => a.line - b.line);
      setResult({ ...outcome, rejected: allRejected, rowsRead });
      setStep(4);
    } catch (caught) {
      setStep(2);
      const cancelled =
        caught instanceof ImportCancelledError ||
        (caught instanceof DOMException && caught.name === 'AbortError');
      if (cancelled) setNotice('Import cancelled. Nothing was written: your contacts are as they were.');
      else setError(`The import failed and nothing was written: ${(caught as Error).message}`);
    } finally {
      abort.current = null;
      setRun(null);
    }
  };

  const restart = (): void => {
    setFile(null);
    setMapping([]);
    setResult(null);
    setError(null);
    setNotice(null);
    setStep(0);
  };

  return (
    <>
      <PageHeader title="Import contacts" />
      {error && (
        <Alert color="red" mb="sm" title="Cannot import" withCloseButton onClose={() => setError(null)}>
          {error}
        </Alert>
      )}
      {notice && (
        <Alert color="blue" mb="sm" withCloseButton onClose={() => setNotice(null)}>
          {notice}
        </Alert>
      )}
      <Stepper active={step} size="sm" allowNextStepsSelect={false}>
        <Stepper.Step label="File" description={file ? file.name : 'CSV or JSON'} allowStepSelect={false}>
          <ChooseFileStep
            desktop={bridge.platform === 'electron'}
            onBrowserFile={chooseBrowserFile}
            onDesktopPick={chooseDesktopFile}
          />
        </Stepper.Step>
        <Stepper.Step label="Columns" description="Map to contact fields" allowStepSelect={false}>
          {file && <MappingStep file={file} mapping={mapping} onChange={setMapping} />}
          <Group mt="md" gap="xs">
            <Button variant="default" size="xs" onClick={restart}>
              Back
            </Button>
            <Button
              size="xs"
              onClick={() => setStep(2)}
              disabled={!mapping.some((m) => m.target !== 'ignore')}
            >
              Next
            </Button>
          </Group>
        </Stepper.Step>
        <Stepper.Step label="Options" description="Numbers, duplicates, consent" allowStepSelect={false}>
          <OptionsStep country={country} onCountry={setCountry} policy={policy} onPolicy={setPolicy}>
            {file && (
              <ConsentStep
                columns={consentColumns(file.table.headers, mapping)}
                choice={consent}
                onChange={setConsent}
              />
            )}
          </OptionsStep>
          <Group mt="md" gap="xs">
            <Button variant="default" size="xs" onClick={() => setStep(1)}>
              Back
            </Button>
            <Button size="xs" onClick={start} disabled={consent.given.length > 0 && !consent.source.trim()}>
              Start import
            </Button>
          </Group>
        </Stepper.Step>
        <Stepper.Step label="Import" description="Reading and writing" allowStepSelect={false}>
          {run && <RunStep run={run} onCancel={() => abort.current?.abort()} />}
        </Stepper.Step>
        <Stepper.Step label="Result" allowStepSelect={false}>
          {result && file && <ResultStep result={result} file={file} onAnother={restart} />}
        </Stepper.Step>
      </Stepper>
    </>
  );
}
