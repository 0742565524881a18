import type { RequestHandler } from 'express';
import { CitableError } from '../../errors.js';

/**
 * Registered after a path's own methods: any other method gets a JSON 405 with the Allow header
 * (OPTIONS gets 204 with Allow). HEAD is allowed wherever GET is, as Express serves it.
 */
export function methodNotAllowed(...methods: Array<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'>): RequestHandler {
  const allow = (methods.includes('GET') ? [...methods, 'HEAD'] : methods).join(', ');
  return (req, res, next) => {
    res.setHeader('Allow', allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next(new CitableError('method_not_allowed', `${req.method} is not allowed on ${req.path}; it answers ${allow}`));
  };
}
