@requires:fault-injection
Feature: Power loss during a variable write
  Power fails in the middle of the next variable write; the target restarts and
  recovers its store. A variable that was being written then holds either its
  old or its new value, never a mix, never twice, and every other variable is
  untouched. The interrupted call's own status is not checked: the caller never
  sees it.

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc

  # ref 4.4: the old copy stays visible until the new copy is committed
  Scenario: A variable interrupted during an update holds its old or its new value
    Given the firmware is in the boot phase
    When I set the variable "HilTorn" of vendor "TestVendor" with attributes NV|BS|RT to text "old value"
    Then the status is EFI_SUCCESS
    When power is lost during the next variable write
    And I set the variable "HilTorn" of vendor "TestVendor" with attributes NV|BS|RT to text "the new value"
    Then the variable "HilTorn" of vendor "TestVendor" holds text "old value" or text "the new value"

  Scenario: A variable interrupted during an append holds its old or its appended value
    Given the firmware is in the boot phase
    When I set the variable "HilTornAppend" of vendor "TestVendor" with attributes NV|BS to hex "00 01 02 03"
    Then the status is EFI_SUCCESS
    When power is lost during the next variable write
    And I append hex "04 05 06 07" to the variable "HilTornAppend" of vendor "TestVendor" with attributes NV|BS
    Then the variable "HilTornAppend" of vendor "TestVendor" holds 4 sequential bytes or 8 sequential bytes

  Scenario: A large variable interrupted during an update holds its old or its new value
    Given the firmware is in the boot phase
    When I set the variable "HilMaxSize" of vendor "TestVendor" with attributes NV|BS|RT to 33710 bytes of 0x11
    Then the status is EFI_SUCCESS
    When power is lost during the next variable write
    And I set the variable "HilMaxSize" of vendor "TestVendor" with attributes NV|BS|RT to 33710 bytes of 0x22
    Then the variable "HilMaxSize" of vendor "TestVendor" holds 33710 bytes of 0x11 or 33710 bytes of 0x22

  # ref 4.4: a new record becomes visible only when its state byte is committed
  Scenario: A variable interrupted during its creation either exists or does not, and can be written again
    Given the firmware is in the boot phase
    When power is lost during the next variable write
    And I set the variable "HilTornCreate" of vendor "TestVendor" with attributes NV|BS|RT to text "created"
    And I get the variable "HilTornCreate" of vendor "TestVendor"
    Then the status is EFI_SUCCESS or EFI_NOT_FOUND
    When I set the variable "HilTornCreate" of vendor "TestVendor" with attributes NV|BS|RT to text "created"
    Then the status is EFI_SUCCESS
    And the variable "HilTornCreate" of vendor "TestVendor" holds text "created"

  Scenario: A variable interrupted during a delete either exists or does not, and can be deleted again
    Given the firmware is in the boot phase
    When I set the variable "HilTornDelete" of vendor "TestVendor" with attributes NV|BS|RT to text "doomed"
    Then the status is EFI_SUCCESS
    When power is lost during the next variable write
    And I delete the variable "HilTornDelete" of vendor "TestVendor"
    And I get the variable "HilTornDelete" of vendor "TestVendor"
    Then the status is EFI_SUCCESS or EFI_NOT_FOUND
    When I set the variable "HilTornDelete" of vendor "TestVendor" with attributes NV|BS|RT to no data
    Then the status is EFI_SUCCESS or EFI_NOT_FOUND
    And the variable "HilTornDelete" of vendor "TestVendor" does not exist

  # ref 4.4: an old copy in transition is hidden from the walk once a committed twin exists
  Scenario: After an interrupted update the walk lists the variable once and other variables are untouched
    Given the firmware is in the boot phase
    When I set the variable "HilBystander" of vendor "TestVendor" with attributes NV|BS|RT to text "untouched"
    And I set the variable "HilTorn" of vendor "TestVendor" with attributes NV|BS|RT to text "old value"
    Then the status is EFI_SUCCESS
    When power is lost during the next variable write
    And I set the variable "HilTorn" of vendor "TestVendor" with attributes NV|BS|RT to text "the new value"
    Then the variable "HilBystander" of vendor "TestVendor" holds text "untouched"
    When I list all variables
    Then the list contains the variable "HilTorn" of vendor "TestVendor"
    And the list contains the variable "HilBystander" of vendor "TestVendor"
    And the list has no duplicates
    And the list ended with EFI_NOT_FOUND

  Scenario: After an interrupted update the store accepts new writes
    Given the firmware is in the boot phase
    When I set the variable "HilTorn" of vendor "TestVendor" with attributes NV|BS|RT to text "old value"
    Then the status is EFI_SUCCESS
    When power is lost during the next variable write
    And I set the variable "HilTorn" of vendor "TestVendor" with attributes NV|BS|RT to text "the new value"
    And I set the variable "HilTorn" of vendor "TestVendor" with attributes NV|BS|RT to text "after recovery"
    Then the status is EFI_SUCCESS
    And the variable "HilTorn" of vendor "TestVendor" holds text "after recovery"
    When I set the variable "HilAfterPowerLoss" of vendor "TestVendor" with attributes NV|BS|RT to text "fresh"
    Then the status is EFI_SUCCESS
    And the variable "HilAfterPowerLoss" of vendor "TestVendor" holds text "fresh"
    When I query variable storage for attributes NV|BS|RT
    Then the status is EFI_SUCCESS
    And the remaining storage is at most the maximum storage

  Scenario: Volatile variables are gone after the restart that follows a power loss
    Given the firmware is in the boot phase
    When I set the variable "HilVolatile" of vendor "TestVendor" with attributes BS|RT to text "volatile"
    And I set the variable "HilTorn" of vendor "TestVendor" with attributes NV|BS|RT to text "old value"
    Then the status is EFI_SUCCESS
    When power is lost during the next variable write
    And I set the variable "HilTorn" of vendor "TestVendor" with attributes NV|BS|RT to text "the new value"
    Then the variable "HilVolatile" of vendor "TestVendor" does not exist
