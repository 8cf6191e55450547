import { publicationEndpoints } from '../gateway/buildPublicationObjects';
import { v2Input } from '../gateway/__testUtils__/inputs';
import { buildGuide } from './buildGuide';
import { buildOpenApiDocument } from './buildOpenApiDocument';
import { ownerText } from './ownerText';

/** Issue 14, finding 9: an owner's description never reaches the guide or the API docs as markup. */
describe('owner text in guides', () => {
  const hostile =
    'Fraud scores <img src=x onerror="alert(1)"> <script>alert(2)</script> & *more*';

  it('escapes every HTML-special character and keeps the words and Markdown emphasis', () => {
    expect(ownerText(hostile)).toBe(
      'Fraud scores &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &lt;script&gt;alert(2)&lt;/script&gt; &amp; *more*',
    );
  });

  it('the guide markdown and the OpenAPI description carry no raw tag of the description', () => {
    const input = v2Input();
    const publication = {
      name: input.isvc.metadata.name,
      namespace: input.isvc.metadata.namespace!,
      config: { ...input.config, description: hostile },
    };
    const endpoints = publicationEndpoints(input);
    const md = buildGuide(publication, input.detection, endpoints, {});
    const doc = buildOpenApiDocument(
      publication,
      input.detection,
      endpoints,
      {},
    );
    for (const text of [md, doc.info.description]) {
      expect(text).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
      expect(text).not.toMatch(/<script|<img/i);
    }
  });
});
