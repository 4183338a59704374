import { type ArgCodec, BadRequest } from './apiRoutes';
import { COST_GROUPINGS, type CostGroupBy, type CostQuery } from './costTypes';

function time(name: string, text: string | undefined): number | undefined | BadRequest {
  if (text === undefined || text === '') return undefined;
  const value = /^-?\d{1,16}(\.\d+)?$/.test(text) ? Number(text) : NaN;
  return Number.isFinite(value) ? value : new BadRequest(`${name} must be a time in Unix milliseconds, not "${text.slice(0, 32)}".`);
}

/** `from`, `to` (Unix ms) and `groupBy` (day, agent, model, service) as query parameters. */
export const costQueryArg: ArgCodec<CostQuery | undefined> = {
  read: (request) => {
    const params = new Map(request.query);
    const from = time('from', params.get('from'));
    if (from instanceof BadRequest) return from;
    const to = time('to', params.get('to'));
    if (to instanceof BadRequest) return to;
    if (from !== undefined && to !== undefined && from > to) return new BadRequest('from must not be after to.');
    const groupBy = params.get('groupBy');
    if (groupBy !== undefined && groupBy !== '' && !(COST_GROUPINGS as readonly string[]).includes(groupBy)) {
      return new BadRequest(`groupBy must be one of ${COST_GROUPINGS.join(', ')}, not "${groupBy.slice(0, 32)}".`);
    }
    return {
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(groupBy ? { groupBy: groupBy as CostGroupBy } : {}),
    };
  },
  write: (value, request) => {
    for (const [key, item] of Object.entries(value ?? {})) if (item !== undefined) request.query.push([key, String(item)]);
  },
};
