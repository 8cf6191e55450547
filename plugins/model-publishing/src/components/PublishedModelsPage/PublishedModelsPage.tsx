import { useEffect, useMemo, useState } from 'react';
import GetAppIcon from '@material-ui/icons/GetApp';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  ContentHeader,
  EmptyState,
  Link,
  SupportButton,
} from '@backstage/core-components';
import { ToolPage } from '../common/ToolPage';
import { isLoaded, loadingView } from '../common/loadState';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import { modelPublishingApiRef } from '../../api/ModelPublishingApi';
import type { PublicationPage, UsageSummaryItem } from '../../api/types';
import { PublicationStatusLabel } from '../common/StatusChip';
import { kindLabel } from '../StatusPanel/StatusPanel';
import { saveFile } from '../common/download';
import { formatNumber } from '../common/format';
import { useEntityTabLink } from '../common/useEntityTabLink';
import { FilterBar, type Filters } from './FilterBar';
import { ownerOptions } from './filters';
import { fleetCsv, fleetTotals } from './fleet';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';
import {
  noWrap,
  type Sort,
  SortableHeader,
  type SortBy,
  UsageTrend,
  USAGE_DAYS,
  usageFrom,
} from './tableParts';

export { USAGE_DAYS, usageFrom } from './tableParts';

/** Rows per request: the server pages, sorts and searches, so the page loads only what it shows. */
export const PAGE_SIZE = 50;

/** Every publication the user may read, with filters and a usage sparkline. */
export function PublishedModelsPage() {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  return (
    <ToolPage
      title={t('publishedModels.publishedModels')}
      subtitle="Models reachable from outside the cluster, with their limits and usage"
    >
      <ContentHeader title={t('publishedModels.publications')}>
        <SupportButton>
          {t('publishedModels.publishAModelFromIts')}
        </SupportButton>
      </ContentHeader>
      <PublishedModelsTable />
    </ToolPage>
  );
}

export function PublishedModelsTable() {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const api = useApi(modelPublishingApiRef);
  const tabLink = useEntityTabLink();
  const [search, setSearch] = useState('');
  // The text the server searches: what was typed, once typing pauses.
  const [query, setQuery] = useState('');
  const [filters, setFilters] = useState<Filters>({
    owner: '',
    kind: '',
    status: '',
  });
  const [sort, setSort] = useState<Sort>({ by: 'createdAt', order: 'desc' });
  const [pages, setPages] = useState<(string | undefined)[]>([undefined]);
  useDebounce(
    () => {
      const text = search.trim();
      if (text === query) return;
      setQuery(text);
      setPages([undefined]);
    },
    300,
    [search],
  );
  const onSort = (by: SortBy) => {
    setSort(s =>
      s.by === by
        ? { by, order: s.order === 'asc' ? 'desc' : 'asc' }
        : { by, order: 'asc' },
    );
    setPages([undefined]);
  };

  // Each model's current record only: a model unpublished and published again is one live row, and
  // "Not published" never lists a model that is live again.
  const filterQuery = useMemo(
    () => ({
      owner: filters.owner || undefined,
      kind: filters.kind || undefined,
      status: filters.status || undefined,
      current: true,
      // Unpublished records are history: left out on the server unless that status is asked for.
      ...(filters.status ? {} : { excludeUnpublished: true }),
      ...(query ? { q: query } : {}),
    }),
    [filters, query],
  );

  const list = useAsync(async () => {
    // Load all pages requested so far ("Load more" appends one cursor). The totals are asked apart
    // (below): counting reads every readable match, and the rows should not wait for it.
    const items: Publication[] = [];
    let nextCursor: string | undefined;
    for (const cursor of pages) {
      const page = await api.listPublications({
        ...filterQuery,
        ...(sort.by !== 'createdAt'
          ? { sort: sort.by, order: sort.order }
          : {}),
        totals: false,
        cursor,
        limit: PAGE_SIZE,
      });
      // (A backend without excludeUnpublished still sends them.)
      items.push(
        ...(filters.status
          ? page.items
          : page.items.filter(p => p.status !== 'unpublished')),
      );
      nextCursor = page.nextCursor;
    }
    return { items, nextCursor };
  }, [api, filterQuery, sort, pages]);

  // The server's totals over every page under the same filters (one row besides); without them (an
  // older backend, a failure) the figures are the loaded rows'.
  const counts = useAsync(async (): Promise<
    Pick<PublicationPage, 'total' | 'byStatus'>
  > => {
    try {
      const { total, byStatus } = await api.listPublications({
        ...filterQuery,
        limit: 1,
      });
      return { total, byStatus };
    } catch {
      return {};
    }
  }, [api, filterQuery]);

  // One request for every row's total and sparkline (the summary is filtered by usage.read per item).
  // The sparkline is decoration: a failing summary must not break the page.
  const summary = useAsync(async () => {
    try {
      return (await api.getUsageSummary({ from: usageFrom() })).items ?? [];
    } catch {
      return [] as UsageSummaryItem[];
    }
  }, [api]);
  const summaryById = useMemo(
    () => new Map((summary.value ?? []).map(i => [i.publicationId, i])),
    [summary.value],
  );

  // Remember every owner seen so filtering by one does not hide the others from the list.
  const [owners, setOwners] = useState<string[]>([]);
  useEffect(() => {
    const fresh = ownerOptions(list.value?.items ?? []);
    setOwners(known => {
      const all = new Set([...known, ...fresh]);
      return all.size === known.length ? known : [...all].sort();
    });
  }, [list.value]);

  const setFilter = (key: keyof Filters, value: string) => {
    setFilters(f => ({ ...f, [key]: value }));
    setPages([undefined]);
  };

  let body: JSX.Element;
  if (!isLoaded(list)) {
    body = loadingView(list, t('publishedModels.couldNotLoadPublications'));
  } else if (list.value.items.length === 0) {
    const filtered = filters.owner || filters.kind || filters.status || query;
    body = (
      <EmptyState
        missing="data"
        title={
          filtered
            ? `No publications match ${
                query ? `“${query}” and ` : ''
              }these filters`
            : 'No published models yet'
        }
        description={t('publishedModels.openAnInferenceserviceInThe')}
      />
    );
  } else {
    const rows = list.value.items;
    const totals = fleetTotals(rows, summaryById, counts.value);
    // Until the count arrives, loaded rows would understate a list with more pages.
    const counting = counts.loading && !!list.value.nextCursor;
    body = (
      <>
        <Box
          display="flex"
          alignItems="center"
          justifyContent="space-between"
          flexWrap="wrap"
          mb={1}
          style={{ gap: 8 }}
        >
          <Typography variant="body2" role="status" aria-live="polite">
            {counting ? (
              'Counting publications…'
            ) : (
              <>
                <strong>{formatNumber(totals.publications)}</strong>{' '}
                publications · <strong>{formatNumber(totals.live)}</strong> live
                · <strong>{formatNumber(totals.needAttention)}</strong> degraded
                or failed · <strong>{formatNumber(totals.requests)}</strong>{' '}
                requests in the last {USAGE_DAYS} days
              </>
            )}
          </Typography>
          <Button
            variant="outlined"
            size="small"
            startIcon={<GetAppIcon />}
            onClick={() =>
              saveFile(
                `published-models-${new Date().toISOString().slice(0, 10)}.csv`,
                new Blob([fleetCsv(rows, summaryById)], { type: 'text/csv' }),
              )
            }
          >
            {t('publishedModels.exportCsv')}
          </Button>
        </Box>
        {/* Scrolls inside the page on a narrow window rather than being cut off. */}
        <Box overflow="auto" data-testid="publications-table-container">
          <Table size="small" aria-label={t('publishedModels.publications')}>
            <TableHead>
              <TableRow>
                <SortableHeader
                  by="name"
                  label={t('publishedModels.model')}
                  sort={sort}
                  onSort={onSort}
                />
                <SortableHeader
                  by="namespace"
                  label={t('publishedModels.namespace')}
                  sort={sort}
                  onSort={onSort}
                />
                <SortableHeader
                  by="owner"
                  label={t('publishedModels.owner')}
                  sort={sort}
                  onSort={onSort}
                />
                <TableCell style={noWrap}>
                  {t('publishedModels.kind')}
                </TableCell>
                <SortableHeader
                  by="status"
                  label={t('publishedModels.status')}
                  sort={sort}
                  onSort={onSort}
                />
                <TableCell style={{ minWidth: 200 }}>
                  {t('publishedModels.endpoint')}
                </TableCell>
                <TableCell style={noWrap}>
                  Requests ({USAGE_DAYS} days)
                </TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map(p => {
                const tab = p.entityRef ? tabLink(p.entityRef) : undefined;
                return (
                  <TableRow key={p.id}>
                    <TableCell style={noWrap}>
                      {tab ? (
                        <Link
                          to={tab}
                          aria-label={t('publishedModels.publishTab', {
                            name: p.name,
                          })}
                        >
                          {p.name}
                        </Link>
                      ) : (
                        p.name
                      )}
                    </TableCell>
                    <TableCell style={noWrap}>
                      {p.cluster !== 'default' ? `${p.cluster}/` : ''}
                      {p.namespace}
                    </TableCell>
                    <TableCell style={noWrap}>
                      {p.owner ? (
                        <EntityRefLink
                          entityRef={p.owner}
                          defaultKind="group"
                        />
                      ) : (
                        '—'
                      )}
                    </TableCell>
                    <TableCell style={noWrap}>
                      {kindLabel(p.modelKind)}
                    </TableCell>
                    <TableCell style={noWrap}>
                      <PublicationStatusLabel status={p.status} />
                    </TableCell>
                    <TableCell>
                      {p.endpoints[0] ? (
                        <code style={{ wordBreak: 'break-all' }}>
                          {p.endpoints[0].url}
                        </code>
                      ) : (
                        '—'
                      )}
                    </TableCell>
                    <TableCell style={noWrap}>
                      <UsageTrend
                        name={p.name}
                        item={summaryById.get(p.id)}
                        usageLink={tab ? `${tab}#usage` : undefined}
                      />
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </Box>
        {list.value.nextCursor && (
          <Box display="flex" justifyContent="center" mt={2}>
            <Button
              variant="outlined"
              disabled={list.loading}
              onClick={() => setPages(p => [...p, list.value!.nextCursor])}
            >
              {t('publishedModels.loadMore')}
            </Button>
          </Box>
        )}
      </>
    );
  }

  return (
    <>
      <FilterBar
        search={search}
        onSearch={setSearch}
        filters={filters}
        owners={owners}
        onFilter={setFilter}
      />
      {body}
    </>
  );
}
