import type { ReactNode } from 'react';
import { Content, Header, Page } from '@backstage/core-components';

/** A page of the plugin's own (not an entity tab): the tool theme, its header, then its content. */
export function ToolPage(props: {
  title: string;
  subtitle: string;
  children: ReactNode;
}) {
  return (
    <Page themeId="tool">
      <Header title={props.title} subtitle={props.subtitle} />
      <Content>{props.children}</Content>
    </Page>
  );
}
