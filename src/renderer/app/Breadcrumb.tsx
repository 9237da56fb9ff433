/** Registry › repository › index › platform image, each a link (the hash keeps back working). */
import { useQuery } from '@tanstack/react-query';
import { registriesQuery } from '../registries/queries';
import { routeHref } from './route';

/** The path from the registry down to the current screen. */
export function Breadcrumb(props: { registryId: string; repository?: string; reference?: string; parent?: string }) {
  const registries = useQuery(registriesQuery());
  const host = registries.data?.find((r) => r.id === props.registryId)?.host ?? '…';
  return (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <a href={routeHref({ screen: 'registry', registryId: props.registryId })} className="mono">
        {host}
      </a>
      {props.repository !== undefined && (
        <>
          <span aria-hidden="true">/</span>
          {props.reference !== undefined ? (
            <a
              href={routeHref({ screen: 'repository', registryId: props.registryId, repository: props.repository })}
              className="mono"
            >
              {props.repository}
            </a>
          ) : (
            <span className="mono" aria-current="page">
              {props.repository}
            </span>
          )}
        </>
      )}
      {props.repository !== undefined && props.parent !== undefined && (
        <>
          <span aria-hidden="true">/</span>
          <a href={routeHref({ screen: 'image', registryId: props.registryId, repository: props.repository, reference: props.parent })} className="mono" data-testid="breadcrumb-index">
            {props.parent}
          </a>
        </>
      )}
    </nav>
  );
}
