import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import type { KubernetesObject } from '../../api/types';

/** The objects a publish would create, each expandable to its full manifest. */
export function DryRunPreview(props: { objects: KubernetesObject[] }) {
  if (props.objects.length === 0) {
    return (
      <Typography variant="body2">The dry run returned no objects.</Typography>
    );
  }
  return (
    <div aria-label="Objects that will be created">
      <Typography variant="subtitle2" gutterBottom>
        {props.objects.length} objects will be created, in this order:
      </Typography>
      {props.objects.map((object, index) => {
        const name = object.metadata?.name ?? '(unnamed)';
        const id = `dry-run-${index}`;
        return (
          <Accordion
            key={`${object.kind}/${name}/${index}`}
            TransitionProps={{ unmountOnExit: true }}
          >
            <AccordionSummary
              expandIcon={<ExpandMoreIcon />}
              aria-controls={`${id}-content`}
              id={`${id}-header`}
            >
              <Typography variant="body2">
                <strong>{object.kind}</strong> {name}{' '}
                <Typography
                  component="span"
                  variant="caption"
                  color="textSecondary"
                >
                  {object.apiVersion}
                </Typography>
              </Typography>
            </AccordionSummary>
            <AccordionDetails>
              <pre
                style={{
                  margin: 0,
                  overflowX: 'auto',
                  fontSize: 12,
                  width: '100%',
                }}
              >
                {JSON.stringify(object, null, 2)}
              </pre>
            </AccordionDetails>
          </Accordion>
        );
      })}
    </div>
  );
}
