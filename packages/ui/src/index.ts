export { cn } from "./cn.ts";
export { Button, buttonClasses, type ButtonProps, type ButtonVariant, type ButtonSize } from "./button.tsx";
export {
  Input,
  Textarea,
  Select,
  Checkbox,
  FormError,
  type InputProps,
  type SelectProps,
  type SelectOption,
  type TextareaProps,
  type CheckboxProps,
} from "./field.tsx";
export { Card, CardHeader, CardBody, PageHeader } from "./card.tsx";
export { Badge, RunStatusBadge, type BadgeTone, type RunStatus } from "./badge.tsx";
export { Table, THead, TBody, Tr, Th, Td } from "./table.tsx";
export { EmptyState, ErrorState, Alert, Spinner, type AlertTone } from "./states.tsx";
export { ProgressBar } from "./progress-bar.tsx";
export { Pagination } from "./pagination.tsx";
export { Dialog } from "./dialog.tsx";
export { Menu, type MenuEntry } from "./menu.tsx";
export { Tabs, type TabSpec } from "./tabs.tsx";
export { ToastProvider, useToast, type ToastTone } from "./toast.tsx";
export { ThemeSelect } from "./theme-select.tsx";
export {
  THEME_OPTIONS,
  THEME_STORAGE_KEY,
  applyThemePreference,
  parseThemePreference,
  readThemePreference,
  setThemePreference,
  themeClass,
  writeThemePreference,
  type ThemePreference,
} from "./theme.ts";
export {
  AppShell,
  WorkspaceSwitcher,
  type NavItem,
  type WorkspaceOption,
  type LinkComponent,
} from "./app-shell.tsx";
