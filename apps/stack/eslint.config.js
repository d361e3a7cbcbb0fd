import { mixcastEslint } from "@mixcast/eslint-config";

export default mixcastEslint(import.meta.dirname);
