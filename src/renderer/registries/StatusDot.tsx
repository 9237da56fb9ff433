/** The coloured dot next to a registry: green, amber, red, grey while checking. */
import { useQuery } from '@tanstack/react-query';
import { registryCheckQuery } from './queries';
import { registryTone, TONE_LABEL } from './status';
import './registries.css';

/** Runs (or reuses) the registry's check; the tone is also a data attribute for tests and styles. */
export function StatusDot(props: { registryId: string }) {
  const check = useQuery(registryCheckQuery(props.registryId));
  const tone = check.isFetching && !check.data ? 'checking' : registryTone(check.data, check.isError);
  const label = check.data?.error ? `${TONE_LABEL[tone]}: ${check.data.error.message}` : TONE_LABEL[tone];
  return <span className={`status-dot ${tone}`} data-testid="status-dot" data-tone={tone} role="img" aria-label={label} title={label} />;
}
