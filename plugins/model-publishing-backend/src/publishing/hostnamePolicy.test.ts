import {
  hostnameHolder,
  hostnameViolation,
  occupiedHostname,
} from './hostnamePolicy';

const rules = {
  llmHostnameTemplate: '{name}.{namespace}.llm.acme.example',
  tenants: [
    {
      group: 'group:default/genai',
      hostnames: ['chat.acme.example', '.genai.acme.example'],
    },
    { group: 'group:default/fraud-detection' },
  ],
};
const genaiModel = {
  namespace: 'genai',
  name: 'qwen-chat',
  owner: 'group:default/genai',
};
const fraudModel = {
  namespace: 'fraud-detection',
  name: 'scorer',
  owner: 'group:default/fraud-detection',
};

describe('hostname policy (issue 14, finding 4)', () => {
  it.each([
    [
      'the template hostname of the model itself',
      fraudModel,
      'scorer.fraud-detection.llm.acme.example',
    ],
    ["an exact entry of the owner's tenant", genaiModel, 'chat.acme.example'],
    [
      "a name below a .suffix entry of the owner's tenant",
      genaiModel,
      'qwen.genai.acme.example',
    ],
    ['no hostname (the template decides)', fraudModel, undefined],
  ])('allows %s', (_, model, hostname) => {
    expect(hostnameViolation(rules, model, hostname)).toBeUndefined();
  });

  it.each([
    [
      "another team's LLM hostname",
      fraudModel,
      'qwen-chat.genai.llm.acme.example',
      /^hostname: 'qwen-chat\.genai\.llm\.acme\.example' is not allowed for fraud-detection\/scorer/,
    ],
    [
      'a wildcard',
      genaiModel,
      '*.acme.example',
      /^hostname: wildcards are not allowed/,
    ],
    [
      'a wildcard below an allowed suffix',
      genaiModel,
      '*.genai.acme.example',
      /^hostname: wildcards are not allowed/,
    ],
    [
      'a foreign domain',
      genaiModel,
      'login.bank.example',
      /^hostname: .* use the hostname the template gives it \('qwen-chat\.genai\.llm\.acme\.example'\) or one of tenant group:default\/genai's hostnames/,
    ],
    [
      "another tenant's entry",
      fraudModel,
      'chat.acme.example',
      /^hostname: 'chat\.acme\.example' is not allowed/,
    ],
    ['the suffix itself', genaiModel, 'genai.acme.example', /is not allowed/],
  ])('refuses %s, naming the field', (_, model, hostname, message) => {
    expect(hostnameViolation(rules, model, hostname)).toMatch(message);
  });

  it('finds the live publication of another model that holds a hostname, LLM template hostnames included', () => {
    const live = [
      {
        cluster: 'local',
        namespace: 'genai',
        name: 'qwen-chat',
        modelKind: 'openai',
        config: {},
      },
      {
        cluster: 'local',
        namespace: 'genai',
        name: 'mistral',
        modelKind: 'openai',
        config: { hostname: 'chat.acme.example' },
      },
      {
        cluster: 'local',
        namespace: 'fraud-detection',
        name: 'iris',
        modelKind: 'v1',
        config: {},
      },
    ];
    const me = { cluster: 'local', namespace: 'genai', name: 'other' };
    expect(hostnameHolder(rules, me, 'chat.acme.example', live)?.name).toBe(
      'mistral',
    );
    expect(
      hostnameHolder(rules, me, 'qwen-chat.genai.llm.acme.example', live)?.name,
    ).toBe('qwen-chat');
    expect(
      hostnameHolder(rules, me, 'free.genai.acme.example', live),
    ).toBeUndefined();
    // its own publication (an update) does not count
    expect(
      hostnameHolder(
        rules,
        { ...me, name: 'mistral' },
        'chat.acme.example',
        live,
      ),
    ).toBeUndefined();
    expect(occupiedHostname(rules, live[2])).toBeUndefined();
  });
});
