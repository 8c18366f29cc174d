Feature: Variables across the boot-phase events
  EndOfDxe switches on the variable checks (UEFI-defined names, locks, policies) and
  ReadyToBoot may reclaim space once before the OS loader runs. Neither may change
  what a boot-time caller sees of its own variables.

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc

  Scenario: After EndOfDxe the caller's own variables are set, read and deleted as before
    Given the firmware is in the boot phase
    When the firmware signals EndOfDxe
    And I set the variable "HilAfterEndOfDxe" of vendor "TestVendor" with attributes NV|BS|RT to text "set late"
    Then the status is EFI_SUCCESS
    And the variable "HilAfterEndOfDxe" of vendor "TestVendor" holds text "set late"
    When I delete the variable "HilAfterEndOfDxe" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the variable "HilAfterEndOfDxe" of vendor "TestVendor" does not exist

  Scenario: After ReadyToBoot the caller's own variables are set, appended and read as before
    Given the firmware is in the boot phase
    When the firmware signals EndOfDxe
    And the firmware signals ReadyToBoot
    And I set the variable "HilAfterReadyToBoot" of vendor "TestVendor" with attributes BS|RT to text "abc"
    Then the status is EFI_SUCCESS
    When I append text "def" to the variable "HilAfterReadyToBoot" of vendor "TestVendor" with attributes BS|RT
    Then the status is EFI_SUCCESS
    And the variable "HilAfterReadyToBoot" of vendor "TestVendor" holds text "abcdef"

  # ref 5.3 and 4.7: the ReadyToBoot reclaim keeps every live variable and drops deleted ones
  Scenario: Variables written before the boot-phase events keep their values after them
    Given the firmware is in the boot phase
    When I set the variable "HilEarlyNv" of vendor "TestVendor" with attributes NV|BS|RT to text "old"
    And I set the variable "HilEarlyNv" of vendor "TestVendor" with attributes NV|BS|RT to text "new"
    And I set the variable "HilEarlyVolatile" of vendor "TestVendor" with attributes BS to text "volatile"
    And I set the variable "HilEarlyGone" of vendor "TestVendor" with attributes NV|BS to text "gone"
    And I delete the variable "HilEarlyGone" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    When the firmware signals EndOfDxe
    And the firmware signals ReadyToBoot
    Then the variable "HilEarlyNv" of vendor "TestVendor" holds text "new"
    And the variable "HilEarlyVolatile" of vendor "TestVendor" holds text "volatile"
    And the variable "HilEarlyGone" of vendor "TestVendor" does not exist
    When I list all variables
    Then the list contains the variable "HilEarlyNv" of vendor "TestVendor"
    And the list does not contain the variable "HilEarlyGone" of vendor "TestVendor"
    And the list has no duplicates
    And the list ended with EFI_NOT_FOUND

  # ref 3.7.2: after EndOfDxe only names the UEFI specification defines may be created under EFI_GLOBAL_VARIABLE
  Scenario: After EndOfDxe a name the UEFI specification does not define is refused under EFI_GLOBAL_VARIABLE
    Given the firmware is in the boot phase
    When the firmware signals EndOfDxe
    And I set the variable "HilNotAGlobalName" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT to text "refused"
    Then the status is EFI_INVALID_PARAMETER
    And the variable "HilNotAGlobalName" of vendor EFI_GLOBAL_VARIABLE does not exist

  # ref 5.3: a ReadyToBoot that finds EndOfDxe missed runs the EndOfDxe steps itself, checks included
  Scenario: ReadyToBoot without EndOfDxe also refuses names the UEFI specification does not define
    Given the firmware is in the boot phase
    When the firmware signals ReadyToBoot
    And I set the variable "HilNotAGlobalName" of vendor EFI_GLOBAL_VARIABLE with attributes BS|RT to text "refused"
    Then the status is EFI_INVALID_PARAMETER
    And the variable "HilNotAGlobalName" of vendor EFI_GLOBAL_VARIABLE does not exist

  # ref 3.4.1 #4d and 4.10: without hardware error storage (the default profile) every HR write is refused
  Scenario: After EndOfDxe a hardware error record is refused when the platform keeps no storage for them
    Given the firmware is in the boot phase
    When the firmware signals EndOfDxe
    And I set the variable "HwErrRec0001" of vendor EFI_HARDWARE_ERROR_VARIABLE with attributes NV|BS|RT|HR to 16 bytes of 0x00
    Then the status is EFI_INVALID_PARAMETER
    And the variable "HwErrRec0001" of vendor EFI_HARDWARE_ERROR_VARIABLE does not exist

  Scenario: After ReadyToBoot the storage sizes are consistent
    Given the firmware is in the boot phase
    When I set the variable "HilBeforeReadyToBoot" of vendor "TestVendor" with attributes NV|BS|RT to 3000 bytes of 0x99
    And I delete the variable "HilBeforeReadyToBoot" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    When the firmware signals EndOfDxe
    And the firmware signals ReadyToBoot
    And I query variable storage for attributes NV|BS|RT
    Then the status is EFI_SUCCESS
    And the remaining storage is at most the maximum storage
    And the maximum variable size is at most the maximum storage

  @requires:os-phase
  Scenario: Through the whole boot sequence a runtime variable stays readable and writable
    Given the firmware is in the boot phase
    When I set the variable "HilWholeBoot" of vendor "TestVendor" with attributes NV|BS|RT to text "boot"
    Then the status is EFI_SUCCESS
    When the firmware signals EndOfDxe
    And the firmware signals ReadyToBoot
    And the OS calls ExitBootServices
    And I get the variable "HilWholeBoot" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the data is text "boot"
    When I set the variable "HilWholeBoot" of vendor "TestVendor" with attributes NV|BS|RT to text "runtime"
    Then the status is EFI_SUCCESS
    And the variable "HilWholeBoot" of vendor "TestVendor" holds text "runtime"
