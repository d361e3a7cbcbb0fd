"use client";
import { Tab, TabGroup, TabList, TabPanel, TabPanels } from "@headlessui/react";
import type { ReactNode } from "react";

export interface TabSpec {
  key: string;
  label: ReactNode;
  content: ReactNode;
}

/** Tabs with arrow-key navigation (Headless UI). */
export function Tabs({ tabs, defaultIndex = 0 }: { tabs: readonly TabSpec[]; defaultIndex?: number }) {
  return (
    <TabGroup defaultIndex={defaultIndex}>
      <TabList className="flex gap-1 border-b border-line">
        {tabs.map((t) => (
          <Tab
            key={t.key}
            className="-mb-px border-b-2 border-transparent px-3 py-2 text-sm font-medium text-muted focus:outline-none data-[focus]:ring-2 data-[focus]:ring-ring data-[hover]:text-fg data-[selected]:border-primary data-[selected]:text-fg"
          >
            {t.label}
          </Tab>
        ))}
      </TabList>
      <TabPanels className="pt-4">
        {tabs.map((t) => (
          <TabPanel key={t.key} className="focus:outline-none">
            {t.content}
          </TabPanel>
        ))}
      </TabPanels>
    </TabGroup>
  );
}
