// Short-lived notices in the corner of the window ("Link removed — Undo"), as Mantine Notification
// cards in a portal; `notify` works from anywhere, one host is mounted by the app shell.
import { Button, Group, getDefaultZIndex, Notification, Portal, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { create } from 'zustand';

export interface NoticeAction {
  label: string;
  run: () => Promise<void> | void;
}

export interface Notice {
  id: number;
  title: string;
  message?: ReactNode;
  color?: string;
  action?: NoticeAction;
}

const useNotices = create<{ notices: Notice[] }>(() => ({ notices: [] }));
let nextId = 1;

export function dismiss(id: number): void {
  useNotices.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

/** Shows a notice; it closes by itself after `ms` (an action gives the user time to use it). */
export function notify(notice: Omit<Notice, 'id'>, ms = notice.action ? 12_000 : 5_000): number {
  const id = nextId++;
  useNotices.setState((s) => ({ notices: [...s.notices.slice(-3), { ...notice, id }] }));
  setTimeout(() => dismiss(id), ms);
  return id;
}

export function notifyError(title: string, error: unknown): void {
  notify({ title, message: error instanceof Error ? error.message : String(error), color: 'red' }, 8_000);
}

export function NotificationHost() {
  const notices = useNotices((s) => s.notices);
  if (notices.length === 0) return null;
  return (
    <Portal>
      <Stack
        gap="xs"
        w={380}
        // Above the app shell, below dialogs: an open dialog is modal, and a notice from before it (two
        // "Contact saved" cards) must not sit over its buttons.
        style={{ position: 'fixed', right: 16, bottom: 40, zIndex: getDefaultZIndex('modal') - 10 }}
        aria-live="polite"
      >
        {notices.map((notice) => (
          <Notification
            key={notice.id}
            title={notice.title}
            color={notice.color ?? 'blue'}
            onClose={() => dismiss(notice.id)}
            closeButtonProps={{ 'aria-label': 'Dismiss' }}
            withBorder
          >
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <span>{notice.message}</span>
              {notice.action && (
                <ActionButton action={notice.action} onDone={() => dismiss(notice.id)} title={notice.title} />
              )}
            </Group>
          </Notification>
        ))}
      </Stack>
    </Portal>
  );
}

function ActionButton(props: { action: NoticeAction; title: string; onDone: () => void }) {
  const { action } = props;
  return (
    <Button
      size="compact-sm"
      variant="light"
      style={{ flexShrink: 0 }}
      onClick={async () => {
        props.onDone();
        try {
          await action.run();
        } catch (error) {
          notifyError(`${action.label} failed`, error);
        }
      }}
    >
      {action.label}
    </Button>
  );
}
