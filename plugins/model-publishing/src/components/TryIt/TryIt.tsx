import { useEffect, useId, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import { SelectField } from '../common/SelectField';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type {
  ApiKeyInfo,
  Publication,
  TryItResponse,
} from '@model-publishing/plugin-model-publishing-common';
import { modelPublishingApiRef } from '../../api/ModelPublishingApi';
import type { ModelAddress } from '../../api/types';
import { exampleRequest, orderHeaders, prettyBody } from './exampleRequest';

const PASTE = '__paste__';

export interface TryItProps {
  address: ModelAddress;
  publication: Pick<Publication, 'modelKind' | 'name' | 'endpoints'>;
}

/**
 * "Try it": pick one of the publication's keys (or paste one), edit the example request, send it to the
 * published URL (through the backend, which holds the key) and see status, headers, body and latency.
 */
export function TryIt({ address, publication }: TryItProps) {
  const api = useApi(modelPublishingApiRef);
  const example = exampleRequest(publication);
  const [keys, setKeys] = useState<ApiKeyInfo[]>([]);
  const [keyChoice, setKeyChoice] = useState<string>(PASTE);
  const [pasted, setPasted] = useState('');
  const [method, setMethod] = useState<'GET' | 'POST'>(example.method);
  const [path, setPath] = useState(example.path);
  const [body, setBody] = useState(example.body);
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<TryItResponse>();
  const [error, setError] = useState<string>();
  const baseUrl = publication.endpoints[0]?.url ?? '';
  const id = useId();

  const addressKey = `${address.cluster}/${address.namespace}/${address.name}`;
  useEffect(() => {
    let live = true;
    const [cluster, namespace, name] = addressKey.split('/');
    api
      .listKeys({ cluster, namespace, name })
      .then(({ items }) => {
        if (!live) return;
        const usable = items.filter(
          k => k.status === 'active' || k.status === 'grace',
        );
        setKeys(usable);
        if (usable[0]) setKeyChoice(usable[0].id);
      })
      // Without usage.read the keys are not listed: pasting one still works.
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api, addressKey]);

  const send = async () => {
    setSending(true);
    setError(undefined);
    setResult(undefined);
    try {
      const auth =
        keyChoice === PASTE ? { key: pasted.trim() } : { keyId: keyChoice };
      setResult(
        await api.tryIt(address, {
          ...auth,
          method,
          path,
          ...(method === 'POST'
            ? { body, contentType: 'application/json' }
            : {}),
        }),
      );
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSending(false);
    }
  };

  const canSend =
    !sending &&
    path.startsWith('/') &&
    (keyChoice !== PASTE || pasted.trim() !== '');

  return (
    <InfoCard
      title="Try it"
      subheader={`Sends one request to ${baseUrl} with an API key, as a client would.`}
    >
      <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
        <SelectField
          labelId={`${id}-key-label`}
          label="API key"
          name={`${id}-key`}
          value={keyChoice}
          onChange={setKeyChoice}
          size="small"
          style={{ minWidth: 240 }}
        >
          {keys.map(k => (
            <MenuItem key={k.id} value={k.id}>
              {k.name} ({k.prefix}…)
            </MenuItem>
          ))}
          <MenuItem value={PASTE}>Paste a key</MenuItem>
        </SelectField>
        {keyChoice === PASTE && (
          <TextField
            id={`${id}-pasted`}
            label="Key to send"
            type="password"
            variant="outlined"
            size="small"
            autoComplete="off"
            value={pasted}
            onChange={e => setPasted(e.target.value)}
            style={{ minWidth: 280 }}
          />
        )}
        <SelectField
          labelId={`${id}-method-label`}
          label="Method"
          name={`${id}-method`}
          value={method}
          onChange={value => setMethod(value as 'GET' | 'POST')}
          size="small"
          style={{ minWidth: 110 }}
        >
          <MenuItem value="GET">GET</MenuItem>
          <MenuItem value="POST">POST</MenuItem>
        </SelectField>
        <TextField
          id={`${id}-path`}
          label="Path"
          helperText={`Below ${baseUrl}`}
          variant="outlined"
          size="small"
          value={path}
          onChange={e => setPath(e.target.value)}
          style={{ flex: '1 1 260px' }}
        />
      </Box>
      {method === 'POST' && (
        <TextField
          id={`${id}-body`}
          label="Request body (JSON)"
          multiline
          minRows={4}
          maxRows={16}
          fullWidth
          variant="outlined"
          value={body}
          onChange={e => setBody(e.target.value)}
          inputProps={{ style: { fontFamily: 'monospace' }, spellCheck: false }}
        />
      )}
      <Box mt={2} mb={2}>
        <Button
          variant="contained"
          color="primary"
          onClick={send}
          disabled={!canSend}
        >
          {sending ? 'Sending…' : 'Send'}
        </Button>
      </Box>
      <div role="status" aria-live="polite">
        {error && (
          <Typography color="error" variant="body2">
            Could not send: {error}
          </Typography>
        )}
        {result && (
          <section aria-label="Response">
            <Typography variant="h6" component="p">
              Status {result.status} · {result.latencyMs} ms
            </Typography>
            <Table size="small" aria-label="Response headers">
              <TableBody>
                {orderHeaders(result.headers).map(([name, value]) => (
                  <TableRow key={name}>
                    <TableCell
                      component="th"
                      scope="row"
                      style={{ fontFamily: 'monospace', width: '35%' }}
                    >
                      {name}
                    </TableCell>
                    <TableCell
                      style={{
                        fontFamily: 'monospace',
                        wordBreak: 'break-all',
                      }}
                    >
                      {value}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Typography
              variant="subtitle2"
              component="p"
              style={{ marginTop: 16 }}
            >
              Body{result.truncated ? ' (first 256 kB)' : ''}
            </Typography>
            <pre
              // A named region: aria-label is not allowed on a plain pre (axe aria-prohibited-attr).
              role="region"
              aria-label="Response body"
              style={{
                whiteSpace: 'pre-wrap',
                wordBreak: 'break-word',
                margin: 0,
              }}
            >
              {prettyBody(result.body)}
            </pre>
          </section>
        )}
      </div>
    </InfoCard>
  );
}
