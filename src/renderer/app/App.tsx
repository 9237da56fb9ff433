/** The app: one QueryClient, the frame, and the screen the hash route names. */
import { QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { CleanupPage } from '../cleanup/CleanupPage';
import { DiffPage } from '../diff/DiffPage';
import { ImageView } from '../image/ImageView';
import { PushRoot } from '../push';
import { RegistryPage } from '../registries/RegistryPage';
import { RegistrySidebar } from '../registries/RegistrySidebar';
import { SearchRoot } from '../search/SearchRoot';
import { useIndexEvents } from '../storage/queries';
import { StoragePage } from '../storage/StoragePage';
import { TagsPage } from '../tags/TagsPage';
import { Home } from './Home';
import { Layout } from './Layout';
import { createQueryClient } from './query-client';
import { routeHref, useRoute, type Route } from './route';
import { ShortcutHelp } from './ShortcutHelp';
import { useShortcut } from './shortcuts';
import './layout.css';
import './tables.css';

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'home':
      return <Home />;
    case 'registry':
      return <RegistryPage key={route.registryId} registryId={route.registryId} />;
    case 'repository':
      return <TagsPage key={`${route.registryId}/${route.repository}`} registryId={route.registryId} repository={route.repository} />;
    case 'image':
      return <ImageView registryId={route.registryId} repository={route.repository} reference={route.reference} parent={route.parent} />;
    case 'cleanup':
      return <CleanupPage key={`${route.registryId}/${route.repository}`} registryId={route.registryId} repository={route.repository} />;
    case 'storage':
      return <StoragePage key={route.registryId} registryId={route.registryId} repository={route.repository} />;
    case 'diff':
      return <DiffPage key={routeHref(route)} a={route.a} b={route.b} />;
  }
}

/** App-wide parts of the registry index: its events keep the queries current; the search dialog and its keys. */
function IndexRoot(props: { route: Route }) {
  useIndexEvents();
  return <SearchRoot route={props.route} />;
}

/** App-wide keys: `?` lists them all; Ctrl/⌘+R refreshes what the screen shows (not the page). */
function AppShortcuts() {
  const qc = useQueryClient();
  useShortcut({
    keys: ['Mod+R'],
    description: 'Refresh what this screen shows',
    group: 'Everywhere',
    run: () => void qc.refetchQueries({ type: 'active' }),
  });
  return <ShortcutHelp />;
}

/** Root component; `main.tsx` renders it once `window.berth` exists. */
export function App() {
  const [client] = useState(createQueryClient);
  const route = useRoute();
  return (
    <QueryClientProvider client={client}>
      <Layout
        sidebar={<RegistrySidebar route={route} />}
        overlay={
          <PushRoot
            registryId={'registryId' in route ? route.registryId : undefined}
            repository={route.screen === 'repository' || route.screen === 'image' ? route.repository : undefined}
          />
        }
      >
        <Screen route={route} />
      </Layout>
      <IndexRoot route={route} />
      <AppShortcuts />
    </QueryClientProvider>
  );
}
