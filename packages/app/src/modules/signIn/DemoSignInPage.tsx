import { useState } from 'react';
import {
  Content,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
} from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  chooseDemoUser,
  DEMO_USER_HEADER,
  DemoUser,
  readChosenDemoUser,
} from './demoUser';

function useDemoUsers(): DemoUser[] {
  const config = useApi(configApiRef);
  return (config.getOptionalConfigArray('app.demoSignIn.users') ?? []).map(
    c => ({
      name: c.getString('name'),
      displayName: c.getString('displayName'),
      description: c.getOptionalString('description'),
    }),
  );
}

/**
 * Sign-in for the embedded demo portal: pick a demo user, then sign in as that catalog user through
 * the backend's `demo` provider. The choice is remembered until "Switch demo user" clears it.
 */
export function DemoSignInPage(props: SignInPageProps) {
  const users = useDemoUsers();
  const [chosen, setChosen] = useState(readChosenDemoUser);

  if (chosen) {
    return (
      <ProxiedSignInPage
        {...props}
        provider="demo"
        headers={{ [DEMO_USER_HEADER]: chosen }}
        ErrorComponent={({ error }) => (
          <Page themeId="home">
            <Header title="Sign-in failed" />
            <Content>
              <Typography paragraph>
                Could not sign in as <b>{chosen}</b>: {error?.message}
              </Typography>
              <Button
                variant="contained"
                color="primary"
                onClick={() => {
                  chooseDemoUser(undefined);
                  setChosen(undefined);
                }}
              >
                Choose another user
              </Button>
            </Content>
          </Page>
        )}
      />
    );
  }

  return (
    <Page themeId="home">
      <Header
        title="Model Publishing demo portal"
        subtitle="Choose who you are. Each demo user belongs to a different team, so the portal lets each do different things."
      />
      <Content>
        <Grid container spacing={3}>
          {users.map(user => (
            <Grid item xs={12} sm={6} md={4} key={user.name}>
              <InfoCard title={user.displayName} subheader={user.name}>
                <Typography paragraph>{user.description}</Typography>
                <Button
                  variant="contained"
                  color="primary"
                  aria-label={`Sign in as ${user.displayName}`}
                  onClick={() => {
                    chooseDemoUser(user.name);
                    setChosen(user.name);
                  }}
                >
                  Sign in as {user.displayName}
                </Button>
              </InfoCard>
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}
