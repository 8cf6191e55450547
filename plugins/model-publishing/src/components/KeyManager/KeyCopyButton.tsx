import { useState } from 'react';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import FileCopyOutlined from '@material-ui/icons/FileCopyOutlined';
import useCopyToClipboard from 'react-use/esm/useCopyToClipboard';

/**
 * Copies `text` to the clipboard; the accessible name says what it copies. Only for the key-once dialog:
 * there Escape must ask before the key is lost, and CopyTextButton's feedback tooltip would take the first
 * Escape after a copy. Elsewhere the UI uses core-components' CopyTextButton.
 */
export function KeyCopyButton(props: { text: string; label: string }) {
  const [, copy] = useCopyToClipboard();
  const [copied, setCopied] = useState(false);
  return (
    <Tooltip title={copied ? 'Copied' : `Copy ${props.label}`}>
      <IconButton
        size="small"
        aria-label={`Copy ${props.label}`}
        onClick={() => {
          copy(props.text);
          setCopied(true);
        }}
      >
        <FileCopyOutlined fontSize="small" />
      </IconButton>
    </Tooltip>
  );
}
