import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import {
  keyNameSchema,
  planInputSchema,
} from '@model-publishing/plugin-model-publishing-common';
import { validate } from 'jsonschema';
import { actionsFor, loadPublishModelTemplate } from './__testUtils__/harness';

/**
 * The template is checked against the actions it drives: a form field the action does not know, or a
 * step input the action's schema rejects, would only show up when a user runs it.
 */
const template = loadPublishModelTemplate();
// Schemas and ids only: nothing here calls the backend.
const actions = actionsFor({ url: 'http://127.0.0.1:1' });
const [modelPage, limitsPage, plansPage] = template.spec.parameters;

/** `${{ parameters.x }}` → the value (undefined drops the key, as the scaffolder's renderer does). */
function renderInput(
  input: Record<string, string>,
  parameters: Record<string, unknown>,
) {
  return JSON.parse(
    JSON.stringify(
      Object.fromEntries(
        Object.entries(input).map(([key, value]) => {
          const m = /^\$\{\{ parameters\.(\w+) \}\}$/.exec(value);
          return [key, m ? parameters[m[1]] : value];
        }),
      ),
    ),
  );
}

describe('templates/publish-model/template.yaml', () => {
  it('is a valid v1beta3 template', async () => {
    await expect(templateEntityV1beta3Validator.check(template)).resolves.toBe(
      true,
    );
  });

  it('only uses the actions this module registers', () => {
    const ids = Object.values(actions).map(a => a.id);
    for (const step of template.spec.steps) expect(ids).toContain(step.action);
  });

  it('picks only inference-service components the user owns that are Ready and not published', () => {
    const model = modelPage.properties.model;
    expect(model['ui:field']).toBe('OwnedEntityPicker');
    // The labels the catalog module writes (LABEL_READY, LABEL_PUBLISHED).
    expect(model['ui:options'].catalogFilter).toEqual([
      {
        kind: 'Component',
        'spec.type': 'inference-service',
        'metadata.labels.model-publishing/ready': 'true',
        'metadata.labels.model-publishing/published': 'false',
      },
    ]);
  });

  it('asks for exactly the limits the action accepts', () => {
    const formLimits = Object.keys(
      limitsPage.properties.rateLimits.properties,
    ).sort();
    const actionLimits = Object.keys(
      (actions.publish.schema!.input as any).properties.rateLimits.properties,
    ).sort();
    expect(formLimits).toEqual(actionLimits);
  });

  it.each([
    [{ model: 'component:default/iris' }],
    [
      {
        model: 'component:default/iris',
        keyName: 'checkout app',
        rateLimits: { requestsPerMinute: 60, tokensPerDay: 1000 },
      },
    ],
    [
      {
        model: 'component:default/iris',
        rateLimits: { requestsPerMinute: 60, requestsPerMonth: 100000 },
        plans: [
          {
            name: 'trial',
            approval: 'automatic',
            maxKeyLifetimeDays: 30,
            rateLimits: { requestsPerDay: 100 },
          },
          { name: 'production', rateLimits: { tokensPerMonth: 5000000 } },
        ],
      },
    ],
  ])('turns form values %j into step input the action accepts', parameters => {
    for (const page of template.spec.parameters) {
      expect(validate(parameters, { type: 'object', ...page }).errors).toEqual(
        [],
      );
    }
    const input = renderInput(template.spec.steps[0].input, parameters);
    expect(validate(input, actions.publish.schema!.input!).errors).toEqual([]);
  });

  it("asks each plan for exactly the limits the action's rateLimits accept, and the plan's own fields", () => {
    const plan = plansPage.properties.plans.items;
    expect(Object.keys(plan.properties.rateLimits.properties).sort()).toEqual(
      Object.keys(
        (actions.publish.schema!.input as any).properties.rateLimits.properties,
      ).sort(),
    );
    expect(Object.keys(plan.properties).sort()).toEqual(
      Object.keys(planInputSchema.shape).sort(),
    );
    const name = new RegExp(plan.properties.name.pattern);
    for (const n of ['trial', 'pro-2', 'Trial', '-x', 'a'.repeat(41), '']) {
      expect(name.test(n)).toBe(
        planInputSchema.shape.name.safeParse(n).success,
      );
    }
  });

  it('rejects in the form what the backend would reject', () => {
    const limits = { type: 'object', ...limitsPage };
    expect(
      validate({ rateLimits: { requestsPerMinute: 0 } }, limits).valid,
    ).toBe(false);
    expect(
      validate({ rateLimits: { requestsPerMinute: 1.5 } }, limits).valid,
    ).toBe(false);
    const keyName = new RegExp(modelPage.properties.keyName.pattern);
    for (const name of ['app', 'checkout app', 'a.b_c-d', '-bad', 'bad!', '']) {
      expect(keyName.test(name)).toBe(keyNameSchema.safeParse(name).success);
    }
  });

  it('links to the Publish tab and the guide, never to a key', () => {
    const urls = template.spec.output.links.map(
      (l: any) => l.url ?? l.entityRef,
    );
    expect(urls).toEqual([
      '${{ steps.publish.output.publishTabUrl }}',
      '${{ steps.publish.output.guideUrl }}',
      '${{ parameters.model }}',
    ]);
    expect(JSON.stringify(template)).not.toMatch(/secret|output\.key/i);
  });
});
