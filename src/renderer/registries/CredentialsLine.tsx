/** Under the registry's heading: who Berth signs in as and where those credentials came from. */
import { useQuery } from '@tanstack/react-query';
import { registryCheckQuery } from './queries';
import { credentialsText } from './status';

/** "Signed in as alice · from docker-credential-desktop (credsStore in ~/.docker/config.json)". */
export function CredentialsLine(props: { registryId: string }) {
  const check = useQuery(registryCheckQuery(props.registryId));
  const text = credentialsText(check.data);
  if (!text) return null;
  return (
    <p className="credentials-line" data-testid="credentials-line">
      {text}
    </p>
  );
}
