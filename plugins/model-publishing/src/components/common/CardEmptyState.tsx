import { ReactNode } from 'react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    padding: theme.spacing(1, 0),
  },
}));

/**
 * "Nothing here yet" inside a card: a line or two of secondary text and an optional action.
 * Backstage's EmptyState (a large heading and illustration) is for whole pages; inside a card
 * it dwarfs the card's content.
 */
export function CardEmptyState(props: {
  title: string;
  description?: ReactNode;
  action?: ReactNode;
}) {
  const classes = useStyles();
  return (
    <div className={classes.root}>
      <div>
        <Typography variant="body2" color="textSecondary">
          {props.title}
        </Typography>
        {props.description && (
          <Typography variant="caption" color="textSecondary">
            {props.description}
          </Typography>
        )}
      </div>
      {props.action}
    </div>
  );
}
