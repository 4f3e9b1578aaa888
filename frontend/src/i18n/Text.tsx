import { Fragment } from 'react';

// Text renders a message, showing `backticked` spans as code.
export function Text({ children }: { children: string }) {
  const parts = children.split('`');
  return (
    <>
      {parts.map((p, i) => (i % 2 === 1 ? <code key={i}>{p}</code> : <Fragment key={i}>{p}</Fragment>))}
    </>
  );
}

// Filled renders a message with its {name} placeholders filled, each value
// marked as user data (a chat's name, a person): the UI's own words are
// translated, the values are shown as they are.
export function Filled({ msg, values }: { msg: string; values: Record<string, string | number> }) {
  const parts = msg.split(/\{(\w+)\}/);
  return (
    <>
      {parts.map((p, i) =>
        i % 2 === 0 ? <Fragment key={i}>{p}</Fragment> : p in values ? <span key={i} data-user-content="">{String(values[p])}</span> : <Fragment key={i}>{`{${p}}`}</Fragment>,
      )}
    </>
  );
}
