// Links that leave Rapport (Teams, Dynamics 365, a file in SharePoint): a
// new tab in browser mode, the system browser in the window (which has no
// tabs). Only https addresses are followed.
import type { MouseEvent, ReactNode } from 'react';
import { api } from '../api';

export const isHTTPS = (url: string | undefined): url is string => !!url && /^https:\/\//i.test(url);

export function OutsideLink({ url, testId, className, label, children }: {
  url: string | undefined;
  testId?: string;
  className?: string;
  label?: string;
  children: ReactNode;
}) {
  if (!isHTTPS(url)) return null;
  const open = (e: MouseEvent<HTMLAnchorElement>) => {
    if (api.mode() !== 'wails') return;
    e.preventDefault();
    api.system.openURL(e.currentTarget.href).catch(() => {});
  };
  return (
    <a href={url} target="_blank" rel="noreferrer noopener" onClick={open} data-testid={testId} className={className} aria-label={label} title={label}>
      {children}
    </a>
  );
}
