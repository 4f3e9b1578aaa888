import { cleanup, configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { AppError, setTransport, type Created, type Suggestion, type Transport } from '../api';
import { card } from '../testing/fakeLinks';
import { CaptureDialog } from './CaptureDialog';

configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  setTransport(null);
});

interface Call {
  method: string;
  args: unknown[];
}

// fake answers Links.Suggest and the Capture calls; refuse makes a create
// fail as Go refuses one.
function fake(refuse?: AppError) {
  const calls: Call[] = [];
  const suggestions: Suggestion[] = [{ card: card('contacts', 'con', 'Alice Wang'), why: 'contact' }];
  const t: Transport = {
    kind: 'http',
    call(service, method, args) {
      calls.push({ method: `${service}.${method}`, args });
      if (method === 'Customers') return Promise.resolve(suggestions);
      if (refuse) return Promise.reject(refuse);
      const created: Partial<Created> = { set: method === 'CreateCase' ? 'incidents' : 'tasks', id: 'new', title: 'x' };
      return Promise.resolve(created);
    },
    on: () => () => {},
  };
  setTransport(t);
  return calls;
}

describe('CaptureDialog', () => {
  test('a case asks for what Dynamics requires before queuing, offers the customers Go suggests, and sends the choices', async () => {
    const calls = fake();
    let queued: Created | null = null;
    render(<CaptureDialog kind="case" from="message/c1/m1" what="the message" prefill="The printer is offline" onClose={() => {}} onQueued={(c) => (queued = c)} />);
    const submit = screen.getByTestId('capture-submit');
    expect((screen.getByTestId('capture-title') as HTMLInputElement).value).toBe('The printer is offline');
    expect(submit).toHaveProperty('disabled', true); // no customer yet
    expect(screen.getByTestId('capture-required').textContent).toMatch(/title and a customer/);
    await waitFor(() => expect(screen.getAllByTestId('capture-suggestion')).toHaveLength(1));
    fireEvent.click(screen.getByTestId('capture-suggestion'));
    expect((screen.getByTestId('capture-customer') as HTMLInputElement).value).toBe('contacts:con');
    fireEvent.change(screen.getByTestId('capture-priority'), { target: { value: 'high' } });
    fireEvent.click(submit);
    await waitFor(() => expect(queued).not.toBeNull());
    const sent = calls.find((c) => c.method === 'Capture.CreateCase');
    expect(sent?.args[0]).toEqual({ from: 'message/c1/m1', title: 'The printer is offline', customer: 'contacts:con', priority: 'high' });
  });

  test('a title emptied again stops the case from being queued', () => {
    fake();
    render(<CaptureDialog kind="case" from="message/c1/m1" what="x" prefill="t" onClose={() => {}} onQueued={() => {}} />);
    fireEvent.change(screen.getByTestId('capture-customer'), { target: { value: 'Contoso' } });
    expect(screen.getByTestId('capture-submit')).toHaveProperty('disabled', false);
    fireEvent.change(screen.getByTestId('capture-title'), { target: { value: '   ' } });
    expect(screen.getByTestId('capture-submit')).toHaveProperty('disabled', true);
  });

  test('a task starts from the linked record and sends its due date; a refusal is shown and the dialog stays', async () => {
    const calls = fake(new AppError('invalid_argument', 'a task needs a subject'));
    render(<CaptureDialog kind="task" from="thread/ch1/r1" what="x" prefill="Call back" record="incidents:i1" onClose={() => {}} onQueued={() => {}} />);
    expect((screen.getByTestId('capture-record') as HTMLInputElement).value).toBe('incidents:i1');
    fireEvent.change(screen.getByTestId('capture-due'), { target: { value: '2026-12-10' } });
    fireEvent.click(screen.getByTestId('capture-submit'));
    await waitFor(() => expect(screen.getByTestId('capture-error').textContent).toMatch(/needs a subject/));
    expect(screen.getByTestId('capture-dialog')).toBeTruthy();
    expect(calls.find((c) => c.method === 'Capture.AddTask')?.args[0]).toEqual({
      record: 'incidents:i1', subject: 'Call back', due: '2026-12-10', priority: 'normal', from: 'thread/ch1/r1',
    });
  });

  test('a note can attach the messages as a file', async () => {
    const calls = fake();
    render(<CaptureDialog kind="note" from="message/c1/m1" what="x" prefill="" record="accounts:a1" onClose={() => {}} onQueued={() => {}} />);
    fireEvent.click(screen.getByTestId('capture-file'));
    fireEvent.click(screen.getByTestId('capture-submit'));
    await waitFor(() => expect(calls.find((c) => c.method === 'Capture.AddNote')?.args[0]).toEqual({ record: 'accounts:a1', from: 'message/c1/m1', title: '', file: true }));
  });
});
