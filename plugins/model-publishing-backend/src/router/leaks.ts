import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { keyLeakReportPermission } from '@model-publishing/plugin-model-publishing-common';
import { GITHUB_REPORTER, type Leaks, verifyGithubSignature } from '../leaks';
import type { RawBodyRequest } from './faultAnswers';
import type { ApiRouter, RouterDeps } from './types';

const KEY_ID_HEADER = 'github-public-key-identifier';
const SIGNATURE_HEADER = 'github-public-key-signature';

/**
 * Leaked keys (issue 21): GitHub's secret scanning partner endpoint, which Backstage lets in without a
 * token (plugin.ts: auth policy `unauthenticated` for that path only) because its ECDSA signature is its
 * authentication, and the admins' report by hand. Tokens are hashed on arrival; none is logged or echoed.
 */
export function registerLeakRoutes(
  router: ApiRouter,
  deps: RouterDeps & { leaks?: Leaks },
): void {
  const { ctx } = deps;

  router.post('/secret-scanning/github', async (req, res) => {
    const leaks = deps.leaks;
    if (!leaks?.settings.enabled || !leaks.signerKeys) {
      throw new NotFoundError(
        'secret scanning reports are not enabled on this backend (modelPublishing.secretScanning.enabled)',
      );
    }
    const keyId = req.header(KEY_ID_HEADER);
    const signature = req.header(SIGNATURE_HEADER);
    const raw = (req as RawBodyRequest).rawBody;
    if (!keyId || !signature) {
      throw new AuthenticationError(
        `missing ${
          !keyId
            ? 'Github-Public-Key-Identifier'
            : 'Github-Public-Key-Signature'
        } header`,
      );
    }
    const publicKey = await leaks.signerKeys.get(keyId);
    if (!publicKey)
      throw new AuthenticationError(
        'Github-Public-Key-Identifier: not a known signing key',
      );
    if (!raw || !verifyGithubSignature(raw, signature, publicKey)) {
      throw new AuthenticationError(
        'Github-Public-Key-Signature: the signature does not verify the request body',
      );
    }
    res.json(
      await leaks.service.report(req.body, {
        actor: GITHUB_REPORTER,
        request: req,
      }),
    );
  });

  router.post('/keys/leaked', async (req, res) => {
    const credentials = await ctx.credentials(req);
    if (!deps.auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError(
        'reporting a leaked key acts for a signed-in admin; a service may not call it',
      );
    }
    if (!(await ctx.isAllowed(credentials, keyLeakReportPermission))) {
      await deps.auditLog.record({
        actor: ctx.actorOf(credentials),
        action: 'key.leak',
        outcome: 'denied',
        error: `not allowed: ${keyLeakReportPermission.name}`,
        request: req,
      });
      throw new NotAllowedError(`not allowed: ${keyLeakReportPermission.name}`);
    }
    const { token, keyId, url } = req.body;
    if ((token === undefined) === (keyId === undefined)) {
      throw new InputError('token, keyId: give exactly one of them');
    }
    if (!deps.leaks)
      throw new NotFoundError(
        'leaked-key handling is not set up on this backend',
      );
    const outcome = await deps.leaks.service.reportOne(
      {
        ...(token !== undefined ? { token } : { keyId }),
        ...(url ? { url } : {}),
      },
      { actor: ctx.actorOf(credentials), request: req },
    );
    if (!outcome)
      throw new NotFoundError(
        token !== undefined
          ? 'token: not a key of this portal'
          : `keyId: no key ${keyId}`,
      );
    res.json(outcome);
  });
}
