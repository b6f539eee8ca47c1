// A workflow that is sure to have findings, for tests of what happens to findings: it takes a
// pull request's code into a privileged job with a write token (and, given `secret`, that secret).
export function findingWorkflow(secret?: string): string {
  return `name: ${secret ?? "pr"}
on: pull_request_target
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: \${{ github.event.pull_request.head.sha }}
      - run: npm ci && npm test
${secret ? `        env:\n          TOKEN: \${{ secrets.${secret} }}\n` : ""}`;
}
