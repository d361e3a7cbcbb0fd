/** Every `mixcast` subcommand, registered in the order `mixcast --help` lists them. */
import { registerCommand } from "../registry.ts";
import { checkCommand } from "./check.ts";
import { compareCommand } from "./compare.ts";
import { designCommand } from "./design.ts";
import { fitCommand } from "./fit.ts";
import { optimizeCommand } from "./optimize.ts";
import { pushCommand } from "./push.ts";
import { simulateCommand } from "./simulate.ts";

registerCommand(simulateCommand);
registerCommand(checkCommand);
registerCommand(fitCommand);
registerCommand(optimizeCommand);
registerCommand(compareCommand);
registerCommand(designCommand);
registerCommand(pushCommand);
