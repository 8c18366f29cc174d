Feature: Setting and reading variables
  SetVariable stores bytes under a name and a vendor GUID; GetVariable returns the
  same bytes with the attributes they were stored with. Name and vendor together
  identify a variable: the name is compared exactly, the GUID by value.

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc
    And vendor "OtherVendor" is 87654321-4321-4321-4321-CBA987654321

  Scenario: A non-volatile variable reads back with its data, size and attributes
    Given the firmware is in the boot phase
    When I set the variable "HilText" of vendor "TestVendor" with attributes NV|BS|RT to text "hello, firmware"
    Then the status is EFI_SUCCESS
    When I get the variable "HilText" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the data is text "hello, firmware"
    And the data size is 15
    And the attributes are NV|BS|RT

  Scenario: Binary data reads back byte for byte
    Given the firmware is in the boot phase
    When I set the variable "HilBinary" of vendor "TestVendor" with attributes NV|BS|RT to hex "DE AD BE EF 00 01 FF"
    Then the status is EFI_SUCCESS
    When I get the variable "HilBinary" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the data is hex "DEADBEEF0001FF"
    And the data size is 7

  Scenario: A rewrite with other data of another length replaces the value
    Given the firmware is in the boot phase
    When I set the variable "HilRewrite" of vendor "TestVendor" with attributes NV|BS|RT to 20 bytes of 0x5A
    Then the status is EFI_SUCCESS
    When I set the variable "HilRewrite" of vendor "TestVendor" with attributes NV|BS|RT to text "short"
    Then the status is EFI_SUCCESS
    When I get the variable "HilRewrite" of vendor "TestVendor"
    Then the data is text "short"
    And the data size is 5

  # ref 3.4.2: same data and attributes is accepted without a flash write
  Scenario: Rewriting a variable with identical data and attributes succeeds and keeps the value
    Given the firmware is in the boot phase
    When I set the variable "HilSame" of vendor "TestVendor" with attributes NV|BS|RT to 16 sequential bytes
    Then the status is EFI_SUCCESS
    When I set the variable "HilSame" of vendor "TestVendor" with attributes NV|BS|RT to 16 sequential bytes
    Then the status is EFI_SUCCESS
    And the variable "HilSame" of vendor "TestVendor" holds 16 sequential bytes

  Scenario: The same name under two vendors is two independent variables
    Given the firmware is in the boot phase
    When I set the variable "HilShared" of vendor "TestVendor" with attributes NV|BS|RT to text "first"
    Then the status is EFI_SUCCESS
    When I set the variable "HilShared" of vendor "OtherVendor" with attributes BS|RT to text "second"
    Then the status is EFI_SUCCESS
    And the variable "HilShared" of vendor "TestVendor" holds text "first"
    And the variable "HilShared" of vendor "OtherVendor" holds text "second"

  # ref 3.3 #3: names match byte for byte, so letter case matters
  Scenario: Variable names are case-sensitive
    Given the firmware is in the boot phase
    When I set the variable "HilCase" of vendor "TestVendor" with attributes NV|BS|RT to text "upper"
    Then the status is EFI_SUCCESS
    When I set the variable "hilcase" of vendor "TestVendor" with attributes NV|BS|RT to text "lower"
    Then the status is EFI_SUCCESS
    And the variable "HilCase" of vendor "TestVendor" holds text "upper"
    And the variable "hilcase" of vendor "TestVendor" holds text "lower"

  Scenario: A vendor GUID written in upper case names the same vendor
    Given the firmware is in the boot phase
    When I set the variable "HilGuidCase" of vendor "TestVendor" with attributes BS to text "x"
    Then the status is EFI_SUCCESS
    And the variable "HilGuidCase" of vendor 12345678-1234-1234-1234-123456789ABC holds text "x"

  Scenario: Reading a variable that was never set is EFI_NOT_FOUND
    Given the firmware is in the boot phase
    When I get the variable "HilNeverSet" of vendor "TestVendor"
    Then the status is EFI_NOT_FOUND

  Scenario: Reading a variable under another vendor is EFI_NOT_FOUND
    Given the firmware is in the boot phase
    When I set the variable "HilMine" of vendor "TestVendor" with attributes NV|BS|RT to text "mine"
    Then the status is EFI_SUCCESS
    When I get the variable "HilMine" of vendor "OtherVendor"
    Then the status is EFI_NOT_FOUND

  Scenario: Reading a name that the UEFI specification does not define is EFI_NOT_FOUND under EFI_GLOBAL_VARIABLE
    Given the firmware is in the boot phase
    When I get the variable "HilNotAGlobalName" of vendor EFI_GLOBAL_VARIABLE
    Then the status is EFI_NOT_FOUND

  # ref 3.3 #2 and 8 #6: EDK II answers an empty name in GetVariable with NOT_FOUND
  Scenario: Reading the empty name is EFI_NOT_FOUND
    Given the firmware is in the boot phase
    When I get the variable "" of vendor "TestVendor"
    Then the status is EFI_NOT_FOUND

  # ref 3.4.1 #1: a variable name must have at least one character
  Scenario: Setting the empty name is EFI_INVALID_PARAMETER
    Given the firmware is in the boot phase
    When I set the variable "" of vendor "TestVendor" with attributes NV|BS|RT to text "nameless"
    Then the status is EFI_INVALID_PARAMETER
