// Who may call which tRPC procedure: the one place where access rules are written down.
// "public": anyone; "authed": any signed-in user (these never touch a workspace's data);
// a role: members of the workspace named in the input with at least that role.
// The role-matrix test (access.test.ts) walks the router and fails for a procedure missing here.
import type { Role } from "@/lib/roles.ts";

export type AccessRule = "public" | "authed" | Role;

export const procedureAccess = {
  "workspace.list": "authed",
  "workspace.create": "authed",
  "workspace.get": "viewer",
  "workspace.rename": "admin",
  "workspace.setCurrency": "admin",
  "workspace.setLogo": "admin",
  "workspace.delete": "owner",

  "member.list": "viewer",
  "member.updateRole": "admin",
  "member.remove": "admin",

  "invitation.list": "admin",
  "invitation.create": "admin",
  "invitation.revoke": "admin",
  "invitation.get": "authed",
  "invitation.accept": "authed",

  "dataset.list": "viewer",
  "dataset.get": "viewer",
  "dataset.upload": "analyst",

  "model.list": "viewer",
  "model.get": "viewer",
  "model.checkData": "viewer",
  "model.create": "analyst",
  "model.saveConfig": "analyst",

  "schedule.upsert": "admin",
  "schedule.remove": "admin",

  "run.list": "viewer",
  "run.get": "viewer",
  "run.exportDraws": "viewer",
  "run.start": "analyst",
  "run.cancel": "analyst",

  // Workspace API tokens (Settings): admins only; the token itself is shown once at creation.
  "apiToken.list": "admin",
  "apiToken.create": "admin",
  "apiToken.revoke": "admin",

  // Weekly refresh: everyone sees approvals, reviews, alerts and the home; analysts approve runs;
  // admins set auto-approve / thresholds and manage alert channels and see the delivery log.
  "approval.list": "viewer",
  "approval.backtests": "viewer",
  "approval.review": "viewer",
  "approval.approve": "analyst",
  "approval.updateSettings": "admin",
  "alert.list": "viewer",
  "alert.channels": "admin",
  "alert.createChannel": "admin",
  "alert.deleteChannel": "admin",
  "alert.deliveries": "admin",
  "home.get": "viewer",

  "audit.list": "viewer",
  "audit.actors": "viewer",
  "audit.export": "viewer",

  // Run insights, run comparison, optimizer, campaigns and scenarios: viewers read,
  // analysts and up create and edit.
  "insight.get": "viewer",
  "insight.getV2": "viewer",
  // The next test per channel (docs/trust.md section 3): read-only, from the run's posterior.
  "experiment.design": "viewer",
  "comparison.runs": "viewer",
  "optimizer.context": "viewer",
  "optimizer.run": "analyst",
  "optimizer.goal": "analyst",
  // The workspace's lift-test registry (docs/model.md section 11): viewers read, analysts edit.
  "liftTest.list": "viewer",
  "liftTest.forRun": "viewer",
  "liftTest.create": "analyst",
  "liftTest.update": "analyst",
  "liftTest.archive": "analyst",
  "liftTest.importCsv": "analyst",
  "campaign.list": "viewer",
  "campaign.get": "viewer",
  "campaign.create": "analyst",
  "campaign.update": "analyst",
  "campaign.delete": "analyst",
  "scenario.list": "viewer",
  "scenario.get": "viewer",
  "scenario.evaluate": "viewer",
  "scenario.compare": "viewer",
  "scenario.generatePlan": "analyst",
  "scenario.create": "analyst",
  "scenario.update": "analyst",
  "scenario.duplicate": "analyst",
  "scenario.delete": "analyst",
  // Plans that follow the approved run: everyone reads the forecast history; analysts switch it.
  "scenario.follow": "analyst",
  "scenario.forecasts": "viewer",

  // Reports: whoever reads a run or scenarios reads their report. Share links: everyone sees the
  // workspace's links (and their views); analysts and up share and revoke.
  "report.run": "viewer",
  "report.comparison": "viewer",
  "share.list": "viewer",
  "share.create": "analyst",
  "share.revoke": "analyst",
} as const satisfies Record<string, AccessRule>;

export type ProcedurePath = keyof typeof procedureAccess;
