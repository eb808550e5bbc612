import type { ControlEntry } from './control-entry.js';

/** PCI DSS v4.0 requirements the rules map to; titles shorten the requirement text. Ids: e.g. "8.6.2". */
export type PciDssRequirement = ControlEntry;

export const PCI_DSS_V4_REQUIREMENTS: readonly PciDssRequirement[] = [
  { id: '3.3.1', title: 'Sensitive authentication data is not retained after authorization, even if encrypted' },
  { id: '3.5.1', title: 'PAN is rendered unreadable anywhere it is stored' },
  { id: '4.2.1', title: 'Strong cryptography and trusted certificates protect PAN during transmission over open, public networks' },
  { id: '6.2.4', title: 'Software engineering techniques prevent or mitigate common software attacks in bespoke and custom software' },
  { id: '7.2.1', title: 'An access control model is defined and grants access appropriately' },
  { id: '7.2.2', title: 'Access is assigned based on job classification and function with least privileges' },
  { id: '8.3.1', title: 'All user access to system components is authenticated via at least one authentication factor' },
  { id: '8.3.2', title: 'Strong cryptography renders all authentication factors unreadable during transmission and storage' },
  { id: '8.3.4', title: 'Invalid authentication attempts are limited (lockout after no more than 10 attempts)' },
  { id: '8.6.2', title: 'Passwords for application and system accounts are not hard coded in scripts, configuration files or source code' },
  { id: '10.2.1.4', title: 'Audit logs capture all invalid logical access attempts' },
  { id: '10.2.1.5', title: 'Audit logs capture all changes to identification and authentication credentials (new accounts, elevation of privileges, changes to accounts with administrative access)' },
];
