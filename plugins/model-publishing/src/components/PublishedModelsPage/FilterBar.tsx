import Grid from '@material-ui/core/Grid';
import InputAdornment from '@material-ui/core/InputAdornment';
import MenuItem from '@material-ui/core/MenuItem';
import { SelectField } from '../common/SelectField';
import Paper from '@material-ui/core/Paper';
import TextField from '@material-ui/core/TextField';
import SearchIcon from '@material-ui/icons/Search';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import type { PublicationStatus } from '@model-publishing/plugin-model-publishing-common';
import { modelPublishingTranslationRef } from '../../translation';
import { statusLabel } from '../common/StatusChip';
import { kindLabel } from '../StatusPanel/StatusPanel';
import { KIND_OPTIONS, STATUS_OPTIONS } from './filters';

/** What the published-models table is filtered by; empty means any. */
export interface Filters {
  owner: string;
  kind: string;
  status: '' | PublicationStatus;
}

export function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  return (
    <SelectField
      labelId={`${props.id}-label`}
      id={props.id}
      label={props.label}
      value={props.value}
      onChange={props.onChange}
      size="small"
    >
      <MenuItem value="">{t('publishedModels.all')}</MenuItem>
      {props.options.map(o => (
        <MenuItem key={o.value} value={o.value}>
          {o.label}
        </MenuItem>
      ))}
    </SelectField>
  );
}

/** The search box and one select per filter above the published-models table. */
export function FilterBar(props: {
  search: string;
  onSearch: (text: string) => void;
  filters: Filters;
  /** Every owner seen so far. */
  owners: string[];
  onFilter: (key: keyof Filters, value: string) => void;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const filterSelect = <V extends string>(
    key: keyof Filters,
    label: string,
    values: readonly V[],
    labelOf: (value: V) => string,
  ) => (
    <Grid item xs={12} sm={4} md={3}>
      <FilterSelect
        id={`mp-filter-${key}`}
        label={label}
        value={props.filters[key]}
        options={values.map(value => ({ value, label: labelOf(value) }))}
        onChange={value => props.onFilter(key, value)}
      />
    </Grid>
  );
  return (
    // On a surface of their own: the outlined fields' labels are too faint on the page background.
    <Paper variant="outlined" style={{ padding: 16, marginBottom: 16 }}>
      <Grid container spacing={2}>
        <Grid item xs={12} md={3}>
          <TextField
            id="mp-search"
            label={t('publishedModels.search')}
            placeholder={t('publishedModels.modelNamespaceOwnerKind')}
            variant="outlined"
            size="small"
            fullWidth
            value={props.search}
            onChange={e => props.onSearch(e.target.value)}
            InputProps={{
              startAdornment: (
                <InputAdornment position="start">
                  <SearchIcon fontSize="small" />
                </InputAdornment>
              ),
            }}
          />
        </Grid>
        {filterSelect(
          'owner',
          t('publishedModels.owner'),
          props.owners,
          o => o,
        )}
        {filterSelect(
          'kind',
          t('publishedModels.kind'),
          KIND_OPTIONS,
          kindLabel,
        )}
        {filterSelect(
          'status',
          t('publishedModels.status'),
          STATUS_OPTIONS,
          statusLabel,
        )}
      </Grid>
    </Paper>
  );
}
