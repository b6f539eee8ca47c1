import { actionName } from "../steps";
import { identity, secretsIn, system, type Extractor } from "./common";

const SLACK = /SLACK/i;
const DISCORD = /DISCORD/i;
const HOOKISH = /WEBHOOK|HOOK|TOKEN|URL/i;

/** Slack and Discord webhooks / bot tokens: bearer secrets by themselves. */
export const chatWebhooks: Extractor = (input) => {
  const { step } = input;
  const name = step.uses !== null ? actionName(step.uses) : null;
  const values = [...Object.values(step.with), ...Object.values(step.env), ...(step.run ? [step.run] : [])];
  const secrets = secretsIn(...values);
  for (const s of secrets) {
    const slack = (SLACK.test(s) && HOOKISH.test(s)) || (name === "slackapi/slack-github-action" && !DISCORD.test(s));
    const discord = DISCORD.test(s) && HOOKISH.test(s);
    if (!slack && !discord) continue;
    if (input.out.identities.some((i) => i.kind === "webhook" && i.id === s)) continue;
    identity(input, "webhook", { id: s, symbolic: false }, false, { secrets: [s] });
    system(input, slack ? "slack" : "discord", null);
  }
};
