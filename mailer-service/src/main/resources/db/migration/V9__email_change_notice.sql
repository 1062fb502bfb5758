-- The notice to a user's current address that an operator is changing it (EmailChangeRequested's previousEmail):
-- a delivery of event_type 'EmailChangeNotice' without a link; changed_to is the new address, masked as the notice
-- shows it (n***@example.com). NULL for every other delivery.
ALTER TABLE delivery ADD COLUMN changed_to VARCHAR(254) NULL;
