import type { AuditEntryRow } from '../asset-admin.repository.js';
import type { AssetHistoryEntryDto } from './asset-admin.dto.js';

export function toHistoryEntry(e: AuditEntryRow): AssetHistoryEntryDto {
  return {
    id: e.id,
    action: e.action,
    asset_id: e.asset_id,
    other_asset_id: e.other_asset_id,
    actor: e.actor,
    request_id: e.request_id,
    request: e.request,
    result: e.result,
    created_at: e.created_at,
  };
}
