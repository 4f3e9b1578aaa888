import { useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { Created } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { useLinks } from '../links/LinksContext';
import { CaptureDialog, type CaptureKind } from './CaptureDialog';

// CaptureActions are a message's or a thread's Create case…, Add task…
// and Add note… buttons, and the word that the last one was queued.
export function CaptureActions({ from, what, prefill, record }: { from: string; what: string; prefill: string; record?: string | undefined }) {
  const { t } = useI18n();
  const { changed } = useLinks();
  const [open, setOpen] = useState<CaptureKind | null>(null);
  const [menu, setMenu] = useState(false); // the three actions, behind one button per message
  const [queued, setQueued] = useState<Created | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  const kinds: CaptureKind[] = ['case', 'task', 'note'];
  return (
    <span className="capture-actions" data-testid="capture-actions">
      <button type="button" className="link-button" data-testid="capture-menu" aria-expanded={menu} onClick={() => setMenu((m) => !m)}>
        {t('capture.menu')}
      </button>
      {menu && kinds.map((k) => (
        <button
          key={k}
          type="button"
          className="link-button"
          data-testid={`capture-${k}`}
          onClick={(e) => {
            opener.current = e.currentTarget;
            setOpen(k);
          }}
        >
          {t(`capture.${k}` as MessageKey)}
        </button>
      ))}
      {queued && (
        <span className="status" role="status" data-testid="capture-queued">
          {t(queued.set === 'incidents' ? 'capture.queuedCase' : 'capture.queued')}
        </span>
      )}
      {open &&
        createPortal(
          <CaptureDialog
            kind={open}
            from={from}
            what={what}
            prefill={open === 'note' ? '' : prefill}
            record={record}
            onClose={() => {
              setOpen(null);
              opener.current?.focus();
            }}
            onQueued={(c) => {
              setQueued(c);
              changed();
            }}
          />,
          document.body,
        )}
    </span>
  );
}
