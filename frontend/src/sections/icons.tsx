import type { SectionId } from '../display/routes';

// Line icons drawn in SVG so they render without any emoji font.
const paths: Record<SectionId, string> = {
  conversations: 'M4 5h16v10H9l-5 4z',
  search: 'M10.5 4a6.5 6.5 0 1 1 0 13a6.5 6.5 0 0 1 0-13zM15.5 15.5L20 20',
  records: 'M5 4h14v16H5zM8 9h8M8 13h8M8 17h5',
  knowledge: 'M5 5h6v14H5zM13 5h6v14h-6zM7 9h2M15 9h2',
  guests: 'M9 11a3 3 0 1 0 0-6a3 3 0 0 0 0 6zM3 19c0-3.3 2.7-5 6-5s6 1.7 6 5M17 8v6M14 11h6',
  metrics: 'M4 20V10M10 20V4M16 20v-7M22 20H2',
  settings: 'M12 9a3 3 0 1 0 0 6a3 3 0 0 0 0-6zM12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1',
};

export function SectionIcon({ id }: { id: SectionId }) {
  return (
    <svg className="nav-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d={paths[id]} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
