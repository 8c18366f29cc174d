Feature: Deleting variables
  A variable is deleted by SetVariable with no access attributes, or with its own
  attributes and no data. Deleting what does not exist is EFI_NOT_FOUND. A write
  that names different attributes is not a delete and is refused.

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc
    And vendor "OtherVendor" is 87654321-4321-4321-4321-cba987654321

  Scenario: Deleting an existing variable removes it
    Given the firmware is in the boot phase
    When I set the variable "HilDelete" of vendor "TestVendor" with attributes NV|BS|RT to text "doomed"
    Then the status is EFI_SUCCESS
    When I delete the variable "HilDelete" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the variable "HilDelete" of vendor "TestVendor" does not exist
    When I get the variable "HilDelete" of vendor "TestVendor"
    Then the status is EFI_NOT_FOUND

  # ref 3.4.2, no existing variable: DataSize 0 is a delete of nothing
  Scenario: Deleting a variable that does not exist is EFI_NOT_FOUND
    Given the firmware is in the boot phase
    When I delete the variable "HilNeverSet" of vendor "TestVendor"
    Then the status is EFI_NOT_FOUND

  Scenario: Deleting a variable twice is EFI_NOT_FOUND the second time
    Given the firmware is in the boot phase
    When I set the variable "HilDeleteTwice" of vendor "TestVendor" with attributes NV|BS to text "once"
    Then the status is EFI_SUCCESS
    When I delete the variable "HilDeleteTwice" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    When I delete the variable "HilDeleteTwice" of vendor "TestVendor"
    Then the status is EFI_NOT_FOUND

  Scenario: Deleting under another vendor is EFI_NOT_FOUND and leaves the variable alone
    Given the firmware is in the boot phase
    When I set the variable "HilOwned" of vendor "TestVendor" with attributes NV|BS|RT to text "owned"
    Then the status is EFI_SUCCESS
    When I delete the variable "HilOwned" of vendor "OtherVendor"
    Then the status is EFI_NOT_FOUND
    And the variable "HilOwned" of vendor "TestVendor" holds text "owned"

  # ref 3.4.2: a request without BS or RT deletes even when it carries data; section 11 (observed on OVMF)
  Scenario: Setting an existing variable with attributes 0 and some data deletes it
    Given the firmware is in the boot phase
    When I set the variable "HilZeroAttributes" of vendor "TestVendor" with attributes NV|BS|RT to text "doomed"
    Then the status is EFI_SUCCESS
    When I set the variable "HilZeroAttributes" of vendor "TestVendor" with attributes 0 to 10 bytes of 0x11
    Then the status is EFI_SUCCESS
    And the variable "HilZeroAttributes" of vendor "TestVendor" does not exist

  # ref 3.4.2, no existing variable: no BS/RT access bits is EFI_NOT_FOUND
  Scenario: Setting a missing variable with attributes 0 and some data is EFI_NOT_FOUND
    Given the firmware is in the boot phase
    When I set the variable "HilNeverSet" of vendor "TestVendor" with attributes 0 to 10 bytes of 0x11
    Then the status is EFI_NOT_FOUND
    And the variable "HilNeverSet" of vendor "TestVendor" does not exist

  # ref 3.4 spec usage rules: a non-append write of no data deletes
  Scenario: Writing no data with the variable's own attributes deletes it
    Given the firmware is in the boot phase
    When I set the variable "HilEmptyWrite" of vendor "TestVendor" with attributes BS|RT to text "doomed"
    Then the status is EFI_SUCCESS
    When I set the variable "HilEmptyWrite" of vendor "TestVendor" with attributes BS|RT to no data
    Then the status is EFI_SUCCESS
    And the variable "HilEmptyWrite" of vendor "TestVendor" does not exist

  # ref 3.4.1 #13: non-zero attributes that differ from the stored ones are checked before the delete rule
  Scenario: Writing no data with other attributes is EFI_INVALID_PARAMETER and keeps the variable
    Given the firmware is in the boot phase
    When I set the variable "HilEmptyWrite" of vendor "TestVendor" with attributes NV|BS|RT to text "kept"
    Then the status is EFI_SUCCESS
    When I set the variable "HilEmptyWrite" of vendor "TestVendor" with attributes BS|RT to no data
    Then the status is EFI_INVALID_PARAMETER
    And the variable "HilEmptyWrite" of vendor "TestVendor" holds text "kept"

  # ref 3.4.2, no existing variable: DataSize 0 is EFI_NOT_FOUND
  Scenario: Writing no data to a missing variable is EFI_NOT_FOUND
    Given the firmware is in the boot phase
    When I set the variable "HilNeverSet" of vendor "TestVendor" with attributes NV|BS|RT to no data
    Then the status is EFI_NOT_FOUND

  Scenario: A deleted variable can be created again with other attributes
    Given the firmware is in the boot phase
    When I set the variable "HilReborn" of vendor "TestVendor" with attributes NV|BS|RT to text "first life"
    Then the status is EFI_SUCCESS
    When I delete the variable "HilReborn" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    When I set the variable "HilReborn" of vendor "TestVendor" with attributes BS to text "second life"
    Then the status is EFI_SUCCESS
    When I get the variable "HilReborn" of vendor "TestVendor"
    Then the data is text "second life"
    And the attributes are BS

  Scenario: Deleting a variable leaves the same name under another vendor in place
    Given the firmware is in the boot phase
    When I set the variable "HilTwin" of vendor "TestVendor" with attributes NV|BS|RT to text "mine"
    Then the status is EFI_SUCCESS
    When I set the variable "HilTwin" of vendor "OtherVendor" with attributes NV|BS|RT to text "theirs"
    Then the status is EFI_SUCCESS
    When I delete the variable "HilTwin" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the variable "HilTwin" of vendor "TestVendor" does not exist
    And the variable "HilTwin" of vendor "OtherVendor" holds text "theirs"

  # ref 3.4.1 #1: the empty name is refused before anything is looked up
  Scenario: Deleting the empty name is EFI_INVALID_PARAMETER
    Given the firmware is in the boot phase
    When I delete the variable "" of vendor "TestVendor"
    Then the status is EFI_INVALID_PARAMETER
