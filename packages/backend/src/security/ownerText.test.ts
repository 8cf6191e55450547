import {
  headers,
  startSecurityBackend,
  type SecurityBackend,
} from '../__testUtils__/securityBackend';

/**
 * Issue 14, finding 9: an owner's text (the description) reaches the guide and the endpoint's OpenAPI
 * document escaped, never as markup. Through the real HTTP stack (catalog, permission framework).
 */
jest.setTimeout(180_000);

const API = '/api/model-publishing';
const FRANK = headers.user('user:default/frank'); // fraud-detection
const hostile =
  'Fraud scores <img src=x onerror="alert(1)"> <script>alert(2)</script>';

describe('owner text in guides (finding 9)', () => {
  let b: SecurityBackend;

  beforeAll(async () => {
    b = await startSecurityBackend();
    await b.waitFor(async () => {
      const res = await b.request
        .get(`${API}/models/local/fraud-detection/fraud-sklearn`)
        .set(FRANK);
      return res.status === 200 ? true : undefined;
    });
  });
  afterAll(async () => {
    await b?.stop();
  });

  it('serves the guide of a publication whose description holds markup with the markup escaped', async () => {
    const at = `${API}/models/local/fraud-detection/fraud-sklearn/publication`;
    const published = await b.request
      .post(at)
      .set(FRANK)
      .send({ rateLimits: { requestsPerMinute: 60 }, description: hostile });
    expect(published.status).toBe(201);
    const guide = await b.request.get(`${at}/guide`).set(FRANK);
    expect(guide.status).toBe(200);
    const text = JSON.stringify(guide.body) + guide.text;
    expect(text).not.toMatch(/<img|<script/i);
    expect(text).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
  });
});
