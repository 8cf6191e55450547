import { activeStep, publishSteps } from './publishSteps';

const obj = (kind: string) => ({
  apiVersion: 'x/v1',
  kind,
  namespace: 'ns',
  name: `m-${kind.toLowerCase()}`,
});

describe('publishSteps', () => {
  it('marks the objects created so far as done, route last', () => {
    const steps = publishSteps('v1', 'publishing', [
      obj('Secret'),
      obj('SecurityPolicy'),
    ]);
    expect(steps.map(s => [s.kind, s.done])).toEqual([
      ['Secret', true],
      ['SecurityPolicy', true],
      ['BackendTrafficPolicy', false],
      ['HTTPRoute', false],
    ]);
    expect(activeStep(steps)).toBe(2);
  });

  it('has the AI Gateway objects for LLMs', () => {
    const kinds = publishSteps('openai', 'publishing', []).map(s => s.kind);
    expect(kinds).toEqual([
      'Secret',
      'Backend',
      'AIServiceBackend',
      'SecurityPolicy',
      'BackendTrafficPolicy',
      'AIGatewayRoute',
    ]);
  });

  it('counts removed objects as done while unpublishing, route first', () => {
    const steps = publishSteps('v2', 'unpublishing', [
      obj('Secret'),
      obj('SecurityPolicy'),
      obj('BackendTrafficPolicy'),
    ]);
    expect(steps.map(s => [s.kind, s.done])).toEqual([
      ['HTTPRoute', true],
      ['BackendTrafficPolicy', false],
      ['SecurityPolicy', false],
      ['Secret', false],
    ]);
  });

  it('shows unexpected objects too', () => {
    const steps = publishSteps('v1', 'publishing', [obj('ConfigMap')]);
    expect(steps.some(s => s.kind === 'ConfigMap' && s.done)).toBe(true);
  });
});
