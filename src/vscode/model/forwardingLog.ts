import { forwardingChangeLine, type ForwardingState, type ForwardingStatus } from '../../model/continuousForwarding';
import type { LogLine } from './connectionLog';

/**
 * What the Output channel says when continuous forwarding changes state (started, target down,
 * back, losing spans, off and why): one line per change, none per retry.
 */
export function forwardingLogLine(previous: ForwardingState | undefined, status: ForwardingStatus, now: number): LogLine {
  const text = forwardingChangeLine(previous, status, now);
  switch (status.state) {
    case 'ok':
      return { level: 'info', text };
    case 'off':
      return { level: status.problem ? 'warn' : 'info', text };
    case 'retrying':
      return { level: 'warn', text };
    case 'dropping':
      return { level: 'error', text };
  }
}
