import { publishingLinks } from './links';

describe('publishingLinks', () => {
  it.each([
    [
      'http://localhost:3000',
      { kind: 'Component', namespace: 'default', name: 'iris' },
      'http://localhost:3000/catalog/default/component/iris',
    ],
    [
      'https://portal.example.com/',
      { kind: 'API', namespace: 'ML-Team', name: 'Llama' },
      'https://portal.example.com/catalog/ml-team/api/Llama',
    ],
    [
      'https://portal.example.com/backstage',
      { kind: 'component', namespace: 'a', name: 'b c' },
      'https://portal.example.com/backstage/catalog/a/component/b%20c',
    ],
  ])('%s + %j', (base, ref, entityPage) => {
    expect(publishingLinks(base, ref)).toEqual({
      publishTabUrl: `${entityPage}/publish`,
      guideUrl: `${entityPage}/docs`,
    });
  });
});
