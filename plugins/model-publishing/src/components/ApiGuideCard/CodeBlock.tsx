import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  code: {
    margin: 0,
    // Room on the right for the copy button that sits over the block's top right corner.
    padding: theme.spacing(1.5, 6, 1.5, 1.5),
    overflowX: 'auto',
    whiteSpace: 'pre',
    fontFamily: 'monospace',
    fontSize: '0.85rem',
    lineHeight: 1.5,
    borderRadius: theme.shape.borderRadius,
    // The theme's own text on its own background: readable in light and dark themes. (Backstage's
    // CodeSnippet colours tokens with highlight.js's docco theme, whose colours fail WCAG AA contrast on
    // its background: axe-core color-contrast, serious.)
    color: theme.palette.text.primary,
    backgroundColor: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    '&:focus-visible': {
      outline: `2px solid ${theme.palette.primary.main}`,
    },
  },
}));

/**
 * One example of the guide as plain, readable code. A region of its own with a name, and focusable, so a
 * keyboard user can scroll a long line sideways (axe-core scrollable-region-focusable).
 */
export function CodeBlock(props: {
  code: string;
  language: string;
  label: string;
}) {
  const classes = useStyles();
  return (
    <pre
      className={classes.code}
      role="region"
      aria-label={props.label}
      tabIndex={0}
      data-language={props.language}
    >
      <code>{props.code}</code>
    </pre>
  );
}
