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
