import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import {
  CopyTextButton,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  discoveryApiRef,
  identityApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import useCopyToClipboard from 'react-use/esm/useCopyToClipboard';
import { modelPublishingApiRef } from '../../api/ModelPublishingApi';
import type { ModelAddress } from '../../api/types';
import { errorStatus } from '../common/errors';
import {
  type ConnectSetting,
  mcpClientSettings,
  modelClientSettings,
  PORTAL_TOKEN_ENV,
} from './connectSettings';

const useStyles = makeStyles(theme => ({
  section: { marginTop: theme.spacing(2) },
  row: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1),
  },
  label: { minWidth: 140, color: theme.palette.text.secondary },
  value: {
    fontFamily: 'monospace',
    wordBreak: 'break-all',
    color: theme.palette.text.primary,
  },
  block: {
    flexBasis: '100%',
    margin: 0,
    padding: theme.spacing(1, 1.5),
    overflowX: 'auto',
    fontFamily: 'monospace',
    fontSize: '0.85rem',
    color: theme.palette.text.primary,
    background: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    '&:focus': { outline: `2px solid ${theme.palette.primary.main}` },
  },
}));

function SettingRow(props: { setting: ConnectSetting }) {
  const classes = useStyles();
  const { setting } = props;
  const labelId = `connect-${setting.id}`;
  return (
    <div className={classes.row}>
      <Typography variant="body2" id={labelId} className={classes.label}>
        {setting.label}
      </Typography>
      {!setting.block && <code className={classes.value}>{setting.value}</code>}
      <CopyTextButton
        text={setting.value}
        aria-label={`Copy ${setting.label}`}
        tooltipText="Copied"
        variant="tertiary"
      />
      {setting.block && (
        // focusable, so keyboard users can scroll a long line
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        <pre className={classes.block} tabIndex={0} aria-labelledby={labelId}>
          {setting.value}
        </pre>
      )}
    </div>
  );
}

/** Copies the signed-in user's portal token, for an MCP client without OAuth sign-in. */
function CopyTokenButton() {
  const identityApi = useApi(identityApiRef);
  const [, copy] = useCopyToClipboard();
  const [state, setState] = useState<'idle' | 'copied' | 'none'>('idle');
  return (
    <>
      <Button
        variant="outlined"
        size="small"
        onClick={async () => {
          const token = await identityApi
            .getCredentials()
            .then(c => c.token)
            .catch(() => undefined);
          if (!token) {
            setState('none');
            return;
          }
          copy(token);
          setState('copied');
        }}
      >
        Copy my portal token
      </Button>
      <span role="status">
        {state === 'copied' && (
          <Typography variant="body2" component="span">
            {' '}
            Copied. It is yours: it acts as you and expires with your session
            (about an hour).
          </Typography>
        )}
        {state === 'none' && (
          <Typography variant="body2" component="span">
            {' '}
            This session has no token to copy.
          </Typography>
        )}
      </span>
    </>
  );
}

/**
 * "Connect my tool": ready settings for OpenAI-compatible clients (base URL, model name, the key's
 * variable) and for MCP clients (the portal's MCP endpoint and how to get a token), each with a copy
 * button. The connection comes from the guide the backend renders, so it matches the guide's examples.
 */
export function ConnectToolCard(props: { address: ModelAddress }) {
  const classes = useStyles();
  const api = useApi(modelPublishingApiRef);
  const discoveryApi = useApi(discoveryApiRef);
  const { address } = props;
  const state = useAsync(async () => {
    const [guide, mcpBase] = await Promise.all([
      api.getGuide(address),
      discoveryApi.getBaseUrl('mcp-actions'),
    ]);
    return { connection: guide.connection, mcpUrl: `${mcpBase}/v1` };
  }, [api, discoveryApi, address.cluster, address.namespace, address.name]);

  if (state.loading) {
    return (
      <InfoCard title="Connect my tool">
        <Progress />
      </InfoCard>
    );
  }
  if (state.error) {
    // a model that is not published has no endpoint to connect to
    if (errorStatus(state.error) === 404) return null;
    return (
      <InfoCard title="Connect my tool">
        <ResponseErrorPanel
          error={state.error}
          title="Could not load the connection settings"
        />
      </InfoCard>
    );
  }
  const { connection, mcpUrl } = state.value!;
  return (
    <div id="connect-my-tool">
      <InfoCard title="Connect my tool">
        {connection && (
          <section aria-labelledby="connect-model-heading">
            <Typography variant="h6" component="h3" id="connect-model-heading">
              {connection.modelKind === 'openai'
                ? 'OpenAI-compatible clients'
                : 'HTTP clients'}
            </Typography>
            <Typography variant="body2">
              Use a key of this model (request one below, or let your agent
              create a short-lived one).
            </Typography>
            {modelClientSettings(connection).map(s => (
              <SettingRow key={s.id} setting={s} />
            ))}
          </section>
        )}
        <section
          aria-labelledby="connect-mcp-heading"
          className={classes.section}
        >
          <Typography variant="h6" component="h3" id="connect-mcp-heading">
            MCP clients (AI agents)
          </Typography>
          <Typography variant="body2">
            The portal's MCP server lets an agent list models, read this guide,
            request access and create a key that lives at most 24 hours — always
            as you, with your permissions. It needs a portal token in{' '}
            <code>{PORTAL_TOKEN_ENV}</code>: clients that support OAuth sign in
            with your portal account where the portal enables it; otherwise copy
            your token.
          </Typography>
          {mcpClientSettings(mcpUrl).map(s => (
            <SettingRow key={s.id} setting={s} />
          ))}
          <div className={classes.row}>
            <CopyTokenButton />
          </div>
        </section>
        {!connection && (
          <Alert severity="info" className={classes.section}>
            The model's endpoint appears here once it is published.
          </Alert>
        )}
      </InfoCard>
    </div>
  );
}
