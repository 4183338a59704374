import { BadRequest, type ArgCodec } from '../apiRoutes';
import type { GroupFilter } from '../compareTypes';
import { formatGroupFilter, parseGroupFilter } from './groupFilter';

/** A group filter as one query parameter holding its own query string (`a=version%3D2%26service%3Dagent`). */
export function groupFilterArg(name: string): ArgCodec<GroupFilter> {
  return {
    read: (request) => {
      const text = request.query.find(([key]) => key === name)?.[1] ?? '';
      const parsed = parseGroupFilter(text);
      return typeof parsed === 'string' ? new BadRequest(`Group ${name}: ${parsed}`) : parsed;
    },
    write: (value, request) => void request.query.push([name, formatGroupFilter(value)]),
  };
}
