import { useEffect, useState } from 'react';
import TextField from '@material-ui/core/TextField';
import MenuItem from '@material-ui/core/MenuItem';
import Typography from '@material-ui/core/Typography';
import type { Budget } from '@model-publishing/plugin-model-publishing-common';
import { ConfirmDialog } from '../common/ConfirmDialog';

const REF = /^(group|component|user):[^/]+\/.+$/;

/** What is wrong with the typed budget, in the form's words; undefined when it can be saved. */
export function budgetInputError(
  consumerRef: string,
  amount: string,
): { consumerRef?: string; amount?: string } | undefined {
  const errors: { consumerRef?: string; amount?: string } = {};
  if (!REF.test(consumerRef.trim()))
    errors.consumerRef =
      'Choose a group, component or user (for example group:default/team-a).';
  const value = Number(amount);
  if (amount.trim() === '' || !Number.isFinite(value) || value <= 0)
    errors.amount = 'Enter an amount above 0.';
  else if (value > 1_000_000_000)
    errors.amount = 'Enter at most 1,000,000,000.';
  return Object.keys(errors).length ? errors : undefined;
}

/** Sets (or changes) one consumer's monthly budget; only offered to holders of costs.admin. */
export function BudgetDialog(props: {
  open: boolean;
  /** The budget being changed; a new one when undefined. */
  budget?: Budget;
  /** Consumers to choose from for a new budget (the month's lines). */
  candidates: string[];
  currency: string;
  onSave: (consumerRef: string, monthlyAmount: number) => Promise<void>;
  onClose: () => void;
}) {
  const { open, budget } = props;
  const [consumerRef, setConsumerRef] = useState('');
  const [amount, setAmount] = useState('');
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (!open) return;
    setConsumerRef(budget?.consumerRef ?? '');
    setAmount(budget ? String(budget.monthlyAmount) : '');
    setTouched(false);
  }, [open, budget]);
  const errors = budgetInputError(consumerRef, amount);
  const show = (field: 'consumerRef' | 'amount') =>
    touched || (field === 'amount' ? amount !== '' : consumerRef !== '')
      ? errors?.[field]
      : undefined;

  return (
    <ConfirmDialog
      open={open}
      title={budget ? `Budget of ${budget.consumerRef}` : 'Set a budget'}
      confirmLabel="Save budget"
      confirmDisabled={!!errors}
      onConfirm={async () => {
        setTouched(true);
        if (errors) return;
        await props.onSave(consumerRef.trim(), Number(amount));
      }}
      onClose={props.onClose}
    >
      <Typography variant="body2" paragraph>
        A monthly budget notifies the consumer and the owners of the models it
        uses when its costs reach 80 % and 100 % of it, once each per month.
      </Typography>
      {budget ? null : (
        <TextField
          select={props.candidates.length > 0}
          id="budget-consumer"
          label="Consumer"
          value={consumerRef}
          onChange={e => setConsumerRef(e.target.value)}
          fullWidth
          margin="normal"
          required
          error={!!show('consumerRef')}
          helperText={
            show('consumerRef') ??
            'The group, component or user that holds the keys'
          }
        >
          {props.candidates.map(ref => (
            <MenuItem key={ref} value={ref}>
              {ref}
            </MenuItem>
          ))}
        </TextField>
      )}
      <TextField
        id="budget-amount"
        label={`Monthly amount (${props.currency})`}
        value={amount}
        onChange={e => setAmount(e.target.value)}
        type="number"
        inputProps={{ min: 0, step: 'any' }}
        fullWidth
        margin="normal"
        required
        error={!!show('amount')}
        helperText={show('amount')}
      />
    </ConfirmDialog>
  );
}
