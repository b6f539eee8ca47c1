import type { BroadCredential } from "@/lib/findings/breadth";

/**
 * The broadest credentials of the inventory (lib/findings/breadth.ts): how many jobs can read
 * each and how many use it, the weighted breadth, and the change that narrows it.
 */
export function BroadestCredentials({ list, frozen = false }: { list: BroadCredential[] | undefined; frozen?: boolean }) {
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
        <div tabIndex={0} role="region" aria-label="Broadest credentials (scrollable)" className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2">Credential</th>
                <th scope="col" className="px-4 py-2 text-right">Breadth</th>
                <th scope="col" className="px-4 py-2 text-right">Readers · users</th>
                <th scope="col" className="px-4 py-2">Narrowing</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 align-top">
              {list.map((b) => (
                <tr key={`${b.kind}|${b.scope}|${b.name}`} data-testid="broad-credential">
                  <td className="px-4 py-2">
                    <span className="break-all font-mono font-medium">{b.name}</span>
                    <div className="text-xs text-slate-600">
                      {b.kind} · {b.scope}
                    </div>
                  </td>
                  <td className="whitespace-nowrap px-4 py-2 text-right font-semibold tabular-nums">{b.breadth}</td>
                  <td className="whitespace-nowrap px-4 py-2 text-right tabular-nums">
                    {b.readers} · {b.users}
                    {b.untrustedReaders > 0 ? <div className="text-xs text-slate-600">{b.untrustedReaders} untrusted</div> : null}
                  </td>
                  <td className="px-4 py-2">{b.narrowing}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
