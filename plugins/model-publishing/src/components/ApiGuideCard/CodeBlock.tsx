import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  code: {
    margin: 0,
    // Room on the right for the copy button that sits over the block's top right corner.
    padding: theme.spacing(1.5, 6, 1.5, 1.5),
    // Long lines wrap rather than scroll: nothing to scroll means nothing a keyboard user cannot reach.
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
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
  },
}));

/** One example of the guide as plain, readable code: a region of its own, named for screen readers. */
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
      data-language={props.language}
    >
      <code>{props.code}</code>
    </pre>
  );
}
