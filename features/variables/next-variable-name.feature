Feature: Walking the variable names
  GetNextVariableName walks every visible variable, one name per call, starting
  from the empty name and ending with EFI_NOT_FOUND. The firmware's own variables
  are part of the walk, so these scenarios check what a walk contains, not where it
  starts. The input name must be an existing variable of the given vendor.

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc
    And vendor "OtherVendor" is 87654321-4321-4321-4321-cba987654321

  Scenario: A walk lists variables of every storage class once and ends with EFI_NOT_FOUND
    Given the firmware is in the boot phase
    When I set the variable "HilWalkNvRt" of vendor "TestVendor" with attributes NV|BS|RT to text "1"
    And I set the variable "HilWalkNv" of vendor "TestVendor" with attributes NV|BS to text "2"
    And I set the variable "HilWalkRt" of vendor "TestVendor" with attributes BS|RT to text "3"
    And I set the variable "HilWalkBs" of vendor "TestVendor" with attributes BS to text "4"
    Then the status is EFI_SUCCESS
    When I list all variables
    Then the list contains the variable "HilWalkNvRt" of vendor "TestVendor"
    And the list contains the variable "HilWalkNv" of vendor "TestVendor"
    And the list contains the variable "HilWalkRt" of vendor "TestVendor"
    And the list contains the variable "HilWalkBs" of vendor "TestVendor"
    And the list has no duplicates
    And the list ended with EFI_NOT_FOUND

  Scenario: A deleted variable is not in the walk
    Given the firmware is in the boot phase
    When I set the variable "HilWalkKept" of vendor "TestVendor" with attributes NV|BS|RT to text "kept"
    And I set the variable "HilWalkGone" of vendor "TestVendor" with attributes NV|BS|RT to text "gone"
    And I delete the variable "HilWalkGone" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    When I list all variables
    Then the list contains the variable "HilWalkKept" of vendor "TestVendor"
    And the list does not contain the variable "HilWalkGone" of vendor "TestVendor"
    And the list has no duplicates

  Scenario: The same name under two vendors appears twice, once per vendor
    Given the firmware is in the boot phase
    When I set the variable "HilWalkTwin" of vendor "TestVendor" with attributes NV|BS|RT to text "mine"
    And I set the variable "HilWalkTwin" of vendor "OtherVendor" with attributes NV|BS|RT to text "theirs"
    Then the status is EFI_SUCCESS
    When I list all variables
    Then the list contains the variable "HilWalkTwin" of vendor "TestVendor"
    And the list contains the variable "HilWalkTwin" of vendor "OtherVendor"
    And the list has no duplicates

  # ref 3.5 #3: the empty name starts the walk whatever the vendor
  Scenario: Asking for the name after the empty name starts the walk
    Given the firmware is in the boot phase
    When I set the variable "HilWalkStart" of vendor "TestVendor" with attributes NV|BS|RT to text "1"
    Then the status is EFI_SUCCESS
    When I ask for the variable name after "" of vendor "OtherVendor"
    Then the status is EFI_SUCCESS

  # EDK II order (ref 3.5, ordering facts): a new variable is written at the end of its store,
  # so two variables created one after the other are neighbours in the walk.
  # The UEFI specification itself leaves the order open.
  Scenario: The name after a new variable is the variable created right after it
    Given the firmware is in the boot phase
    When I set the variable "HilWalkA" of vendor "TestVendor" with attributes NV|BS|RT to text "a"
    And I set the variable "HilWalkNext" of vendor "OtherVendor" with attributes NV|BS|RT to text "b"
    Then the status is EFI_SUCCESS
    When I ask for the variable name after "HilWalkA" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the returned name is "HilWalkNext" of vendor "OtherVendor"
    And the returned name size is 24

  # EDK II order (ref 3.5 ordering facts, 8 #12): an update writes a new copy at the end of the store
  Scenario: An updated variable moves to the end of its store in the walk
    Given the firmware is in the boot phase
    When I set the variable "HilOrderA" of vendor "TestVendor" with attributes NV|BS|RT to text "a1"
    And I set the variable "HilOrderB" of vendor "TestVendor" with attributes NV|BS|RT to text "b1"
    And I set the variable "HilOrderC" of vendor "TestVendor" with attributes NV|BS|RT to text "c1"
    And I set the variable "HilOrderA" of vendor "TestVendor" with attributes NV|BS|RT to text "a2"
    Then the status is EFI_SUCCESS
    When I ask for the variable name after "HilOrderB" of vendor "TestVendor"
    Then the returned name is "HilOrderC" of vendor "TestVendor"
    When I ask for the variable name after "HilOrderC" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the returned name is "HilOrderA" of vendor "TestVendor"

  # ref 3.5 #3: the input must name an existing variable
  Scenario: Asking for the name after an unknown name is EFI_INVALID_PARAMETER
    Given the firmware is in the boot phase
    When I ask for the variable name after "HilNeverSet" of vendor "TestVendor"
    Then the status is EFI_INVALID_PARAMETER

  # ref 3.5 #3; section 11 (observed on OVMF)
  Scenario: Asking for the name after a real name with another vendor is EFI_INVALID_PARAMETER
    Given the firmware is in the boot phase
    When I set the variable "HilWalkOwned" of vendor "TestVendor" with attributes NV|BS|RT to text "1"
    Then the status is EFI_SUCCESS
    When I ask for the variable name after "HilWalkOwned" of vendor "OtherVendor"
    Then the status is EFI_INVALID_PARAMETER

  # ref 3.5 #3
  Scenario: Asking for the name after a deleted variable is EFI_INVALID_PARAMETER
    Given the firmware is in the boot phase
    When I set the variable "HilWalkGone" of vendor "TestVendor" with attributes NV|BS|RT to text "gone"
    And I delete the variable "HilWalkGone" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    When I ask for the variable name after "HilWalkGone" of vendor "TestVendor"
    Then the status is EFI_INVALID_PARAMETER

  # ref 3.5 #6: no name fits in one CHAR16; section 11 (observed on OVMF)
  @requires:raw-calls
  Scenario: Starting a walk with a 2-byte name buffer is EFI_BUFFER_TOO_SMALL
    Given the firmware is in the boot phase
    When I set the variable "HilWalkStart" of vendor "TestVendor" with attributes NV|BS|RT to text "1"
    Then the status is EFI_SUCCESS
    When I ask for the variable name after "" of vendor "TestVendor" with a buffer of 2 bytes
    Then the status is EFI_BUFFER_TOO_SMALL

  # ref 3.5 #2: VariableNameSize / 2 == 0 leaves no room for the NUL of the input name
  @requires:raw-calls
  Scenario: Starting a walk with a 0-byte name buffer is EFI_INVALID_PARAMETER
    Given the firmware is in the boot phase
    When I ask for the variable name after "" of vendor "TestVendor" with a buffer of 0 bytes
    Then the status is EFI_INVALID_PARAMETER

  # ref 3.5 #2: the NUL of the input name must lie inside the VariableNameSize bytes
  @requires:raw-calls
  Scenario: A name buffer smaller than the input name is EFI_INVALID_PARAMETER
    Given the firmware is in the boot phase
    When I set the variable "HilWalkA" of vendor "TestVendor" with attributes NV|BS|RT to text "a"
    Then the status is EFI_SUCCESS
    When I ask for the variable name after "HilWalkA" of vendor "TestVendor" with a buffer of 4 bytes
    Then the status is EFI_INVALID_PARAMETER

  # ref 3.5 #6: the required size is the next name's size with its NUL; "HilWalkNext" needs 24 bytes.
  # Relies on the EDK II order explained above.
  @requires:raw-calls
  Scenario: The name buffer size is probed up to the exact size of the next name
    Given the firmware is in the boot phase
    When I set the variable "HilWalkA" of vendor "TestVendor" with attributes NV|BS|RT to text "a"
    And I set the variable "HilWalkNext" of vendor "TestVendor" with attributes NV|BS|RT to text "b"
    Then the status is EFI_SUCCESS
    When I ask for the variable name after "HilWalkA" of vendor "TestVendor" with a buffer of 18 bytes
    Then the status is EFI_BUFFER_TOO_SMALL
    And the returned name size is 24
    When I ask for the variable name after "HilWalkA" of vendor "TestVendor" with a buffer of 23 bytes
    Then the status is EFI_BUFFER_TOO_SMALL
    And the returned name size is 24
    When I ask for the variable name after "HilWalkA" of vendor "TestVendor" with a buffer of 24 bytes
    Then the status is EFI_SUCCESS
    And the returned name is "HilWalkNext" of vendor "TestVendor"
    And the returned name size is 24
