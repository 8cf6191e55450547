import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type { PublishableModelKind } from '@model-publishing/plugin-model-publishing-common';
import {
  PRICE_LABELS,
  PriceErrors,
  PriceField,
  PriceValues,
  priceFields,
} from './prices';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

/**
 * Prices of the publication's traffic (optional): what the usage card and the costs page charge each
 * key. In the portal's currency (modelPublishing.usage.currency); refused requests are not billed.
 */
export function PricesFields(props: {
  values: PriceValues;
  errors: PriceErrors;
  kind: PublishableModelKind | undefined;
  disabled?: boolean;
  onChange: (field: PriceField, value: string) => void;
  className?: string;
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  return (
    <div className={props.className}>
      <Typography variant="subtitle2" gutterBottom>
        {t('publishForm.pricesOptional')}
      </Typography>
      <Grid container spacing={1}>
        {priceFields(props.kind).map(field => (
          <Grid item xs={12} sm={4} key={field}>
            <TextField
              id={`mp-price-${field}`}
              label={PRICE_LABELS[field]}
              type="number"
              inputProps={{ min: 0, step: 'any' }}
              fullWidth
              variant="outlined"
              size="small"
              value={props.values[field]}
              onChange={e => props.onChange(field, e.target.value)}
              error={!!props.errors[field]}
              helperText={props.errors[field]}
              disabled={props.disabled}
            />
          </Grid>
        ))}
      </Grid>
      <Typography variant="caption" color="textSecondary">
        In the portal's currency. Keys are charged for answered requests;
        refusals (401, 403, 429) are free. Leave all empty for the portal's
        default prices.
      </Typography>
    </div>
  );
}
