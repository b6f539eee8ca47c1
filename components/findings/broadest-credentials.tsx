import type { BroadCredential } from "@/lib/findings/breadth";

/**
 * The broadest credentials of the inventory (lib/findings/breadth.ts): how many jobs can read
 * each and how many use it, the weighted breadth, and the change that narrows it. Credentials no
 * job uses are listed apart ("Unused: delete them"), most readers first: their fix is a deletion,
 * and ranked by breadth they would drown every credential in use.
 */
export function BroadestCredentials({ list, frozen = false }: { list: BroadCredential[] | undefined; frozen?: boolean }) {
  // Reviews signed off before `unused` existed: an entry no job uses is still unused.
  const unused = (list ?? []).filter((b) => b.unused ?? b.users === 0);
  const used = (list ?? []).filter((b) => !(b.unused ?? b.users === 0));
  return (
    <section aria-labelledby="broadest-heading" className="rounded-lg border border-slate-200 bg-white">
      <h2 id="broadest-heading" className="px-4 pt-3 font-semibold">
        {frozen ? "Broadest credentials at sign-off" : "Broadest credentials"}
      </h2>
      <p className="px-4 pb-2 pt-1 text-sm text-slate-600">
        Breadth is the jobs that can read a credential per job that uses it, weighted by the readers running untrusted code and by what its users publish or deploy; 1 means only its users can read it.
      </p>
      {list === undefined ? (
        <p className="px-4 pb-3 text-sm text-slate-600">This review was signed off before Gatehouse measured credential breadth: it kept none.</p>
      ) : list.length === 0 ? (
        <p className="px-4 pb-3 text-sm text-slate-600">Every secret and identity is readable only by the jobs that use it.</p>
      ) : (
        <>
          {used.length > 0 ? (
            <CredentialTable label="Over-broad credentials in use" rows={used} showBreadth testId="broad-credential" />
          ) : (
            <p className="px-4 pb-3 text-sm text-slate-600">Every credential in use is readable only by the jobs that use it.</p>
          )}
          {unused.length > 0 ? (
            <>
              <h3 id="unused-heading" className="px-4 pt-3 text-sm font-semibold">
                Unused: delete them
              </h3>
              <p className="px-4 pb-2 pt-1 text-sm text-slate-600">No job uses these, yet jobs can read them: deleting one narrows it to nothing. Most readers first.</p>
              <CredentialTable label="Unused credentials" rows={unused} showBreadth={false} testId="unused-credential" />
            </>
          ) : null}
        </>
      )}
    </section>
  );
}

function CredentialTable({ label, rows, showBreadth, testId }: { label: string; rows: BroadCredential[]; showBreadth: boolean; testId: string }) {
  return (
    <div tabIndex={0} role="region" aria-label={`${label} (scrollable)`} className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{label}</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-2">Credential</th>
            {showBreadth ? <th scope="col" className="px-4 py-2 text-right">Breadth</th> : null}
            <th scope="col" className="px-4 py-2 text-right">{showBreadth ? "Readers · users" : "Readers"}</th>
            <th scope="col" className="px-4 py-2">{showBreadth ? "Narrowing" : "Change"}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {rows.map((b) => (
            <tr key={`${b.kind}|${b.scope}|${b.name}`} data-testid={testId}>
              <td className="px-4 py-2">
                <span className="break-all font-mono font-medium">{b.name}</span>
                <div className="text-xs text-slate-600">
                  {b.kind} · {b.scope}
                </div>
              </td>
              {showBreadth ? <td className="whitespace-nowrap px-4 py-2 text-right font-semibold tabular-nums">{b.breadth}</td> : null}
              <td className="whitespace-nowrap px-4 py-2 text-right tabular-nums">
                {showBreadth ? `${b.readers} · ${b.users}` : b.readers}
                {b.untrustedReaders > 0 ? <div className="text-xs text-slate-600">{b.untrustedReaders} untrusted</div> : null}
              </td>
              <td className="px-4 py-2">{b.narrowing}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
